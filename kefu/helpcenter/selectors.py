"""Reads of the help center: what the portal, the API and triage show."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, transaction

from kefu.core.languages import Language
from kefu.helpcenter import bundled
from kefu.helpcenter.models import ArticleTranslation, Status

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
    return f"/help/articles/{slug}/"


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
