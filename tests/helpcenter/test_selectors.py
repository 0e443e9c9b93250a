import pytest
from django.db import connection

from kefu.helpcenter import selectors
from kefu.helpcenter.models import Article, ArticleTranslation, Category, Status


def _article(slug: str, intent: str, **titles: str) -> Article:
    category, _ = Category.objects.get_or_create(
        slug="money", defaults={"name_zh_hans": "钱", "name_zh_hant": "錢", "name_en": "Money"}
    )
    article = Article.objects.create(slug=slug, intent=intent, category=category)
    for language, title in titles.items():
        ArticleTranslation.objects.create(
            article=article,
            language=language.replace("_", "-"),
            title=title,
            body="…",
            status=Status.PUBLISHED,
        )
    return article


def test_suggestions_come_from_the_bundle_when_the_database_has_no_articles(db: None) -> None:
    links = selectors.suggested_articles("withdrawal_delayed", "zh-Hant")
    assert links[0].slug == "withdrawal-delayed"
    assert links[0].title == "提現一直沒有到帳怎麼辦"
    assert links[0].url == "/help/articles/withdrawal-delayed/"


def test_suggestions_come_from_the_bundle_without_a_usable_database(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE helpcenter_searchblock")
        cursor.execute("DROP TABLE helpcenter_searchdocument")
        cursor.execute("DROP TABLE helpcenter_helpfulvote")
        cursor.execute("DROP TABLE helpcenter_revision")
        cursor.execute("DROP TABLE helpcenter_articletranslation")
    links = selectors.suggested_articles("withdrawal_delayed", "en")
    assert [link.slug for link in links] == ["withdrawal-delayed"]


def test_suggestions_come_from_the_database_in_the_nearest_language(db: None) -> None:
    _article("slow-payout", "withdrawal_delayed", zh_Hans="提现慢", en="Slow payout")
    _article("payout-review", "withdrawal_delayed", en="Payout review")
    _article("other", "fees", zh_Hant="手續費")
    links = selectors.suggested_articles("withdrawal_delayed", "zh-Hant")
    assert [(link.slug, link.title) for link in links] == [
        ("payout-review", "Payout review"),
        ("slow-payout", "提现慢"),
    ]


def test_draft_articles_are_not_suggested(db: None) -> None:
    article = _article("slow-payout", "withdrawal_delayed", en="Slow payout")
    article.translations.update(status=Status.DRAFT)
    assert selectors.suggested_articles("withdrawal_delayed", "en") == []


@pytest.mark.parametrize("limit", [1, 2])
def test_suggestions_respect_the_limit(db: None, limit: int) -> None:
    for n in range(3):
        _article(f"a{n}", "fees", en=f"Fee {n}")
    assert len(selectors.suggested_articles("fees", "en", limit=limit)) == limit
