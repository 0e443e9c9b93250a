"""Reads of the help center: what the portal, the API and triage show."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.core.languages import Language
from kefu.helpcenter import bundled
from kefu.helpcenter.models import ArticleTranslation, Category, Status

# The order in which a reader's language falls back when an article lacks it: the other
# Chinese script reads far better than English for a Chinese reader.
FALLBACKS: dict[str, tuple[str, ...]] = {
    Language.ZH_HANT: (Language.ZH_HANT, Language.ZH_HANS, Language.EN),
    Language.ZH_HANS: (Language.ZH_HANS, Language.ZH_HANT, Language.EN),
    Language.EN: (Language.EN, Language.ZH_HANS, Language.ZH_HANT),
}


@dataclass(frozen=True)
class ArticleLink:
    slug: str
    title: str
    url: str


def article_url(slug: str) -> str:
    prefix, suffix = _article_url_parts()
    return f"{prefix}{slug}{suffix}"


@cache
def _article_url_parts() -> tuple[str, str]:
    # reverse() costs a third of a millisecond; a search page shows ten links.
    prefix, _, suffix = reverse("help:article", args=["-"]).rpartition("-")
    return prefix, suffix


def fallbacks(language: str) -> tuple[str, ...]:
    return FALLBACKS.get(language, FALLBACKS[Language.EN])


def suggested_articles(intent: str, language: str, limit: int = 3) -> list[ArticleLink]:
    """Published articles for an intent in the reader's language (or the nearest one).

    From the database; from the bundled default content when the database holds no
    articles at all or cannot be used (no server, not migrated), so `kefu triage` works
    anywhere.
    """
    try:
        # A savepoint, so a missing table does not break the caller's transaction on
        # PostgreSQL (triage runs inside receive_message's).
        with transaction.atomic():
            links = _suggested_from_database(intent, language, limit)
    except DatabaseError:
        links = None
    if links is None:
        links = _suggested_from_bundle(intent, language, limit)
    return links


def _suggested_from_database(intent: str, language: str, limit: int) -> list[ArticleLink] | None:
    order = fallbacks(language)
    rows = list(
        ArticleTranslation.objects.filter(
            article__intent=intent, status=Status.PUBLISHED, language__in=order
        )
        .order_by("article__position", "article__slug")
        .values_list("article__slug", "language", "title")
    )
    if not rows and not ArticleTranslation.objects.exists():
        return None
    return _pick(((slug, lang, title) for slug, lang, title in rows), order, limit)


def _suggested_from_bundle(intent: str, language: str, limit: int) -> list[ArticleLink]:
    order = fallbacks(language)
    rows = (
        (article.slug, article.language, article.title)
        for article in sorted(bundled.articles(), key=lambda a: (a.position, a.slug))
        if article.intent == intent and article.language in order
    )
    return _pick(rows, order, limit)


def _pick(
    rows: Iterable[tuple[str, str, str]], order: tuple[str, ...], limit: int
) -> list[ArticleLink]:
    # One link per article, in the best language it has, keeping the articles' order.
    best: dict[str, tuple[int, str]] = {}
    for slug, lang, title in rows:
        rank = order.index(lang)
        if slug not in best or rank < best[slug][0]:
            best[slug] = (rank, title)
    return [
        ArticleLink(slug=slug, title=title, url=article_url(slug))
        for slug, (_, title) in list(best.items())[:limit]
    ]


@dataclass(frozen=True)
class CategoryListing:
    slug: str
    name: str
    articles: list[ArticleLink]


def _links_by_article(
    translations: Iterable[tuple[int, str, str, str]], language: str
) -> dict[int, ArticleLink]:
    """(article id, slug, language, title) rows → one link per article, best language."""
    order = fallbacks(language)
    best: dict[int, tuple[int, ArticleLink]] = {}
    for article_id, slug, lang, title in translations:
        rank = order.index(lang)
        if article_id not in best or rank < best[article_id][0]:
            best[article_id] = (rank, ArticleLink(slug=slug, title=title, url=article_url(slug)))
    return {article_id: link for article_id, (_, link) in best.items()}


def _published_rows(**filters: object) -> Iterable[tuple[int, str, str, str]]:
    return (
        ArticleTranslation.objects.filter(status=Status.PUBLISHED, **filters)
        .order_by("article__position", "article__slug")
        .values_list("article_id", "article__slug", "language", "title")
    )


def category_listings(language: str) -> list[CategoryListing]:
    """Every category with its published articles, for the help center's front page."""
    rows = list(
        ArticleTranslation.objects.filter(status=Status.PUBLISHED)
        .order_by("article__category__position", "article__position", "article__slug")
        .values_list("article__category_id", "article_id", "article__slug", "language", "title")
    )
    links = _links_by_article((row[1:] for row in rows), language)
    by_category: dict[int, list[ArticleLink]] = {}
    for category_id, article_id, *_rest in rows:
        link = links[article_id]
        articles = by_category.setdefault(category_id, [])
        if link not in articles:
            articles.append(link)
    return [
        CategoryListing(slug=category.slug, name=category.name(language), articles=articles)
        for category in Category.objects.filter(pk__in=by_category)
        for articles in [by_category[category.pk]]
    ]


def category_listing(slug: str, language: str) -> CategoryListing:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise NotFound(_("There is no such help-center category."))
    links = _links_by_article(_published_rows(article__category=category), language)
    return CategoryListing(slug=slug, name=category.name(language), articles=list(links.values()))


@dataclass(frozen=True)
class ReaderArticle:
    translation: ArticleTranslation
    category: CategoryListing
    fallback: bool  # shown in another language than the reader's
    related: list[ArticleLink]


def reader_article(slug: str, language: str) -> ReaderArticle:
    """The published translation a reader should see, with its category and related links."""
    order = fallbacks(language)
    translations = list(
        ArticleTranslation.objects.filter(article__slug=slug, status=Status.PUBLISHED)
        .select_related("article__category")
        .only(
            "id", "language", "title", "body_html", "updated_at", "article__id", "article__slug",
            "article__category__slug", "article__category__name_zh_hans",
            "article__category__name_zh_hant", "article__category__name_en",
        )
    )  # fmt: skip
    if not translations:
        raise NotFound(_("There is no such help-center article."))
    translation = min(translations, key=lambda t: order.index(t.language))
    category = translation.article.category
    related = _links_by_article(
        _published_rows(article__in=translation.article.related.all()), language
    )
    return ReaderArticle(
        translation=translation,
        category=CategoryListing(slug=category.slug, name=category.name(language), articles=[]),
        fallback=translation.language != language,
        related=list(related.values()),
    )
