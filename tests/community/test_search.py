"""Community search: the help center's analyzer over questions, on the shared search page,
as similar questions for the ask form, and rebuilt by `kefu community reindex`."""

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.community.models import (
    Member,
    Post,
    PostKind,
    Question,
    SearchDocument,
    Visibility,
)
from kefu.community.search.indexing import index_question
from kefu.community.search.query import search, similar
from kefu.contacts.models import Contact
from kefu.core import throttle
from kefu.helpcenter import actions as helpcenter_actions
from kefu.portal.views import community_search

pytestmark = pytest.mark.django_db

MakeQuestion = Callable[..., Question]


@pytest.fixture
def member(contact_factory: Callable[..., Contact]) -> Member:
    return Member.objects.create(contact=contact_factory(), display_name="小明", name_key="小明")


@pytest.fixture
def ask(member: Member, agent: Agent) -> MakeQuestion:
    """A question written straight to the database and indexed, as the actions leave it."""

    def make(
        title: str,
        body: str = "",
        language: str = "zh-Hans",
        *,
        official: str = "",
        visibility: str = Visibility.PUBLISHED,
    ) -> Question:
        now = timezone.now()
        question = Question.objects.create(
            title=title,
            language=language,
            visibility=visibility,
            last_activity_at=now,
            solved=bool(official),
            first_official_answer_at=now if official else None,
        )
        Post.objects.create(
            question=question,
            kind=PostKind.QUESTION,
            member=member,
            body=body or title,
            visibility=visibility,
        )
        if official:
            Post.objects.create(
                question=question, kind=PostKind.ANSWER, agent=agent, body=official, official=True
            )
            question.answer_count = 1
            question.save(update_fields=["answer_count"])
        index_question(question)
        return question

    return make


def _ids(results: list) -> list[int]:  # type: ignore[type-arg]
    return [result.question_id for result in results]


def _in(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


def test_a_chinese_query_finds_questions_in_both_scripts(ask: MakeQuestion) -> None:
    simplified = ask("提币没到账怎么办", "昨天提的USDT还没到", official="请提供交易哈希。")
    traditional = ask("提幣三小時沒到賬", "TRC20 提幣一直處理中", "zh-Hant", official="請稍候。")
    ask("怎么修改昵称", "设置里找不到")
    for query, language in (("提币没到账", "zh-Hans"), ("提幣沒到賬", "zh-Hant")):
        found = _ids(search(query, language))
        assert set(found) == {simplified.pk, traditional.pk}
    # The reader's own language first is by family: both Chinese scripts are the reader's.
    assert _ids(search("提币没到账", "en")) != []


def test_a_seed_phrase_question_is_found_by_its_word(ask: MakeQuestion) -> None:
    question = ask("助记词丢了还能找回吗", official="客服永远不会向您索要助记词。")
    assert _ids(search("助记词", "zh-Hans")) == [question.pk]
    assert _ids(search("助記詞", "zh-Hant")) == [question.pk]


def test_english_words_are_stemmed(ask: MakeQuestion) -> None:
    question = ask("Withdrawals pending for hours", "My withdrawals keep pending", "en")
    assert _ids(search("withdrawal pending", "en")) == [question.pk]
    assert _ids(search("withdrawing", "en")) == [question.pk]


def test_held_hidden_and_merged_questions_are_never_found(ask: MakeQuestion) -> None:
    ask("提币没到账 held", visibility=Visibility.HELD)
    ask("提币没到账 hidden", visibility=Visibility.HIDDEN)
    target = ask("提币没到账 target", official="已处理")
    merged = ask("提币没到账 merged")
    merged.merged_into = target
    merged.save(update_fields=["merged_into"])
    index_question(merged)
    # Hidden a moment ago, its document not yet removed: still not shown.
    stale = ask("提币没到账 stale")
    Question.objects.filter(pk=stale.pk).update(visibility=Visibility.HIDDEN)
    assert SearchDocument.objects.filter(question=stale).exists()
    assert _ids(search("提币没到账", "zh-Hans")) == [target.pk]
    assert _ids(similar("提币没到账", "zh-Hans")) == [target.pk]


def test_solved_questions_come_first_and_title_matches_before_text(ask: MakeQuestion) -> None:
    in_text = ask("账户问题", "我的充值一直没到账")
    in_title = ask("充值没到账", "昨天的事")
    solved = ask("充值很慢", "充值没到账，等了一天", official="链上拥堵，已到账。")
    found = _ids(search("充值没到账", "zh-Hans"))
    assert found[0] == solved.pk
    assert found.index(in_title.pk) < found.index(in_text.pk)
    assert _ids(search("充值没到账", "zh-Hans", solved_only=True)) == [solved.pk]


def test_the_readers_language_comes_first(ask: MakeQuestion) -> None:
    english = ask("Withdrawal not arrived", "withdrawal stuck", "en", official="Checked.")
    chinese = ask("提现没到账", "提现卡住了", official="已查。")
    # 提现 and "withdrawal" are one synonym group: each finds the other, own language first.
    assert _ids(search("提现", "zh-Hans")) == [chinese.pk, english.pk]
    assert _ids(search("withdrawal", "en")) == [english.pk, chinese.pk]


def test_snippets_are_escaped_and_highlighted(ask: MakeQuestion) -> None:
    ask(
        "Deposit missing",
        "<script>alert(1)</script> my deposit is missing",
        "en",
        official="Your deposit <img src=x onerror=alert(1)> arrived.",
    )
    [result] = search("deposit", "en")
    assert "<script>" not in result.snippet
    assert "<img" not in result.snippet
    assert "<mark>" in result.snippet
    html = _in("en").get("/help/search/", {"q": "deposit"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("query", "language"), [("提币没到账", "zh-hans"), ("提幣沒到賬", "zh-hant")]
)
def test_the_shared_page_shows_articles_and_solved_questions(
    ask: MakeQuestion, query: str, language: str
) -> None:
    helpcenter_actions.import_bundle()
    solved = ask("提币三小时没到账", "USDT 提币一直在处理", official="请把交易哈希发给我们。")
    unsolved = ask("提币没到账谁能帮忙", "急")
    response = _in(language).get("/help/search/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/help/articles/withdrawal-delayed/"' in html
    assert f'href="/community/q/{solved.pk}/"' in html
    assert f'href="/community/q/{unsolved.pk}/"' not in html  # the page shows answers
    assert 'href="/community/ask/?title=' in html
    assert "<mark>" in html


def test_the_shared_page_offers_the_community_when_nothing_matches() -> None:
    html = _in("en").get("/help/search/", {"q": "zzzqqq"}).content.decode()
    assert "Nothing matched" in html
    assert 'href="/community/ask/?title=zzzqqq"' in html


def test_similar_questions_match_any_word_and_the_word_being_typed(ask: MakeQuestion) -> None:
    fees = ask("Trading fees too high", language="en", official="See the fee page.")
    ask("Cannot log in", language="en")
    assert _ids(similar("why are the fees", "en")) == [fees.pk]
    assert _ids(similar("trad", "en")) == [fees.pk]  # still typing "trading"
    assert similar("zzz", "en") == []


def test_the_similar_endpoint_answers_json(ask: MakeQuestion) -> None:
    question = ask("提币没到账", official="已处理")
    response = _in("zh-hans").get("/community/similar/", {"q": "提币"})
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["results"] == [
        {
            "title": "提币没到账",
            "url": f"/community/q/{question.pk}/",
            "language": "zh-Hans",
            "label": "官方回答",
        }
    ]
    # Nothing to search for yet: an empty list, not an error.
    assert json.loads(_in("en").get("/community/similar/", {"q": " ? "}).content) == {
        "heading": "Similar questions",
        "results": [],
    }


def test_the_similar_endpoint_is_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(community_search, "SIMILAR_PER_IP", throttle.Limit("test-similar", 2, 60))
    client = _in("en")
    statuses = [client.get("/community/similar/", {"q": "fees"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_reindex_rebuilds_the_documents(ask: MakeQuestion) -> None:
    public = ask("提币没到账", official="已处理")
    held = ask("提币 held", visibility=Visibility.HELD)
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("community", "reindex", stdout=out)
    assert "Indexed 1 published questions." in out.getvalue()
    assert list(SearchDocument.objects.values_list("question_id", flat=True)) == [public.pk]
    assert held.pk not in _ids(search("提币", "zh-Hans"))
    document = SearchDocument.objects.get()
    index_question(public)
    again = SearchDocument.objects.get()
    assert (document.title_terms, document.terms) == (again.title_terms, again.terms)


def test_the_similar_questions_script_writes_titles_as_text() -> None:
    script = (
        Path(__file__).resolve().parents[2] / "kefu/portal/static/portal/community-similar.js"
    ).read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "/community/similar/" in script
    assert 'getElementById("similar-questions")' in script
