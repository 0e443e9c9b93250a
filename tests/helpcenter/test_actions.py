import pytest

from kefu.core.models import AuditEntry
from kefu.helpcenter import actions
from kefu.helpcenter.models import ArticleTranslation, Revision, Status
from tests.helpcenter.factories import article, translation

pytestmark = pytest.mark.django_db


def test_every_change_keeps_a_revision_and_an_unchanged_save_keeps_none(agent_factory) -> None:
    agent = agent_factory()
    first = translation("fees", "en", "Fees", "Old text.", status=Status.DRAFT)
    actions.save_translation(
        article=first.article,
        language="en",
        title="Fees",
        body="New **text**.",
        status=Status.DRAFT,
        author=agent,
        note="clearer",
    )
    actions.save_translation(
        article=first.article,
        language="en",
        title="Fees",
        body="New **text**.",
        status=Status.DRAFT,
    )
    revisions = list(Revision.objects.filter(translation=first).order_by("id"))
    assert [(r.body, r.author, r.note) for r in revisions] == [
        ("Old text.", None, ""),
        ("New **text**.", agent, "clearer"),
    ]
    first.refresh_from_db()
    assert first.body_html == "<p>New <strong>text</strong>.</p>\n"
    assert (
        AuditEntry.objects.filter(actor=agent, action="helpcenter.translation_saved").count() == 1
    )


def test_publishing_sets_the_publication_time_once() -> None:
    draft = translation("fees", "en", "Fees", "Text.", status=Status.DRAFT)
    assert draft.published_at is None
    actions.set_status(translation=draft, status=Status.PUBLISHED)
    draft.refresh_from_db()
    published_at = draft.published_at
    assert draft.status == Status.PUBLISHED
    assert published_at is not None
    actions.save_translation(
        article=draft.article, language="en", title="Fees", body="Edited.", status=Status.PUBLISHED
    )
    draft.refresh_from_db()
    assert draft.published_at == published_at


def test_markdown_html_is_sanitized() -> None:
    saved = translation("x", "en", "X", "[click](javascript:alert(1)) <img src=x onerror=alert(1)>")
    assert "href" not in saved.body_html
    assert "<img" not in saved.body_html
    assert "&lt;img" in saved.body_html


def test_a_simplified_text_gets_a_traditional_draft_marked_as_machine_made() -> None:
    source = translation("security", "zh-Hans", "账户安全", "请开启双重验证，保护您的软件和信息。")
    drafted = ArticleTranslation.objects.get(article=source.article, language="zh-Hant")
    assert drafted.title == "賬戶安全"  # a person reviews it (Taiwan usage is 帳戶)
    assert "雙重驗證" in drafted.body
    assert "軟體" in drafted.body  # Taiwan phrasing, not a character-by-character swap
    assert drafted.status == Status.DRAFT
    assert drafted.machine_drafted


def test_an_untouched_draft_follows_its_source_but_a_persons_text_is_kept() -> None:
    source = translation("security", "zh-Hans", "账户安全", "第一版。")
    translation("security", "zh-Hans", "账户安全", "第二版。")
    drafted = ArticleTranslation.objects.get(article=source.article, language="zh-Hant")
    assert drafted.body == "第二版。"
    actions.save_translation(
        article=source.article,
        language="zh-Hant",
        title="帳戶安全",
        body="人工校對版。",
        status=Status.PUBLISHED,
    )
    translation("security", "zh-Hans", "账户安全", "第三版。")
    drafted.refresh_from_db()
    assert drafted.body == "人工校對版。"
    assert not drafted.machine_drafted


def test_publishing_a_machine_draft_makes_it_a_persons_text() -> None:
    source = translation("security", "zh-Hans", "账户安全", "正文。")
    drafted = ArticleTranslation.objects.get(article=source.article, language="zh-Hant")
    actions.set_status(translation=drafted, status=Status.PUBLISHED)
    drafted.refresh_from_db()
    assert (drafted.status, drafted.machine_drafted) == (Status.PUBLISHED, False)


def test_related_articles_are_one_way_and_never_the_article_itself() -> None:
    a, b, c = article("a"), article("b"), article("c")
    actions.set_related(article=a, slugs=["a", "b", "c"])
    actions.set_related(article=b, slugs=["c"])
    assert set(a.related.values_list("slug", flat=True)) == {"b", "c"}
    assert set(b.related.values_list("slug", flat=True)) == {"c"}
    assert not c.related.exists()


def test_vote_counts_once_per_session() -> None:
    saved = translation("fees", "en", "Fees", "Text.")
    assert actions.vote(translation=saved, session_key="s1", helpful=True)
    assert not actions.vote(translation=saved, session_key="s1", helpful=False)
    assert actions.vote(translation=saved, session_key="s2", helpful=False)
    assert list(saved.votes.order_by("id").values_list("helpful", flat=True)) == [True, False]
    assert set(saved.votes.values_list("voter", flat=True)).isdisjoint({"s1", "s2"})  # hashed
