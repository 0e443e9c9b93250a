"""Small builders for help-center tests; everything goes through the actions."""

from kefu.helpcenter import actions
from kefu.helpcenter.models import Article, ArticleTranslation, Category, Status


def category(slug: str = "money") -> Category:
    return actions.save_category(
        slug=slug, names={"zh-Hans": "资金", "zh-Hant": "資金", "en": "Money"}
    )


def article(slug: str, intent: str = "fees", *, category_slug: str = "money") -> Article:
    return actions.save_article(slug=slug, intent=intent, category=category(category_slug))


def translation(
    slug: str,
    language: str,
    title: str,
    body: str,
    *,
    intent: str = "fees",
    status: str = Status.PUBLISHED,
) -> ArticleTranslation:
    return actions.save_translation(
        article=article(slug, intent), language=language, title=title, body=body, status=status
    )
