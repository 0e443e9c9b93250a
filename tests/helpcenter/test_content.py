"""The bundled default help center: complete, safe, and loadable."""

import pytest

from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.helpcenter import actions, bundled
from kefu.helpcenter.bundled import ContentError, parse_article
from kefu.helpcenter.models import ArticleTranslation, Status
from kefu.safety.outbound_guard import check_outbound


def test_every_intent_has_an_article_in_every_language() -> None:
    present = {(article.intent, article.language) for article in bundled.articles()}
    missing = {(i, lang) for i in Intent.values for lang in Language.values} - present
    assert not missing


def test_each_slug_has_the_same_intent_and_category_in_every_language() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for article in bundled.articles():
        assert seen.setdefault(article.slug, (article.intent, article.category)) == (
            article.intent,
            article.category,
        )
    assert {slug for slug in seen} == {
        article.slug for article in bundled.articles() if article.language == Language.ZH_HANT
    }


@pytest.mark.parametrize("article", bundled.articles(), ids=lambda a: f"{a.language}/{a.slug}")
def test_no_article_asks_for_a_secret(article: bundled.BundledArticle) -> None:
    verdict = check_outbound(f"{article.title}\n{article.body}", article.language)
    assert not verdict.blocked, verdict.reasons


@pytest.mark.parametrize("article", bundled.articles(), ids=lambda a: f"{a.language}/{a.slug}")
def test_every_article_points_to_the_verification_page(article: bundled.BundledArticle) -> None:
    assert "(/portal/verify/)" in article.body


def test_related_slugs_and_categories_exist() -> None:
    slugs = {article.slug for article in bundled.articles()}
    categories = {category.slug for category in bundled.categories()}
    for article in bundled.articles():
        assert set(article.related) <= slugs, article.slug
        assert article.category in categories


@pytest.mark.django_db
def test_import_publishes_everything_and_a_second_run_changes_nothing() -> None:
    seen: list[str] = []
    first = actions.import_bundle(progress=seen.append)
    assert first.translations == len(bundled.articles()) == len(seen) >= 51
    assert first.changed == first.translations
    published = ArticleTranslation.objects.filter(status=Status.PUBLISHED)
    assert published.count() == len(bundled.articles())
    assert not ArticleTranslation.objects.filter(machine_drafted=True).exists()
    second = actions.import_bundle()
    assert second.changed == 0
    assert ArticleTranslation.objects.count() == len(bundled.articles())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("title: x\n\nbody", "no '---' line"),
        ("slug: a\nlanguage: en\n---\nbody", "header lacks intent, category, title"),
        (
            "slug: a\nlanguage: en\nintent: nope\ncategory: c\ntitle: t\n---\nbody",
            "unknown intent 'nope'",
        ),
        ("slug a\n---\nbody", "header line without ':'"),
    ],
)
def test_a_malformed_content_file_is_named_in_the_error(text: str, problem: str) -> None:
    with pytest.raises(ContentError, match=f"^broken.md: {problem}"):
        parse_article(text, source="broken.md")
