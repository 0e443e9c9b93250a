"""Every write to the help center: articles, translations, votes, imports.

Each write keeps the search index in step itself (no signals), so whoever saves an
article — the admin, an import, the demo loader — gets the same consequences.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import opencc
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kefu.core import audit
from kefu.core.languages import Language
from kefu.helpcenter import bundled
from kefu.helpcenter.models import (
    Article,
    ArticleTranslation,
    Category,
    HelpfulVote,
    Revision,
    SearchCount,
    Status,
)
from kefu.helpcenter.rendering import to_html
from kefu.helpcenter.search.indexing import index_translation


@cache
def _s2twp() -> opencc.OpenCC:
    # Taiwan phrasing (软件 → 軟體, 信息 → 資訊), the most common zh-Hant readership.
    return opencc.OpenCC("s2twp")


def save_category(*, slug: str, names: dict[str, str], position: int = 0) -> Category:
    category, _ = Category.objects.update_or_create(
        slug=slug,
        defaults={
            "position": position,
            "name_zh_hans": names[Language.ZH_HANS],
            "name_zh_hant": names[Language.ZH_HANT],
            "name_en": names[Language.EN],
        },
    )
    return category


def save_article(
    *, slug: str, intent: str, category: Category, position: int = 0, actor: Any = None
) -> Article:
    article, created = Article.objects.update_or_create(
        slug=slug, defaults={"intent": intent, "category": category, "position": position}
    )
    if actor is not None:
        audit.record(actor, "helpcenter.article_saved", article, created=created)
    return article


def set_related(*, article: Article, slugs: list[str]) -> None:
    article.related.set(Article.objects.filter(slug__in=slugs).exclude(pk=article.pk))


@transaction.atomic
def save_translation(
    *,
    article: Article,
    language: str,
    title: str,
    body: str,
    status: str,
    author: Any = None,
    note: str = "",
    machine_drafted: bool = False,
) -> ArticleTranslation:
    """Create or change one language of an article, keeping a revision of each change.

    Saving the same text again changes nothing (imports are idempotent). A zh-Hans text
    without a zh-Hant one gets a zh-Hant draft converted with OpenCC, for a person to
    review and publish.
    """
    translation = ArticleTranslation.objects.filter(article=article, language=language).first()
    if translation is None:
        translation = ArticleTranslation(article=article, language=language)
    elif (translation.title, translation.body, translation.status, translation.machine_drafted) == (
        title,
        body,
        status,
        machine_drafted,
    ):
        return translation
    was_published = translation.status == Status.PUBLISHED and translation.pk is not None
    translation.title = title
    translation.body = body
    translation.body_html = to_html(body)
    translation.status = status
    translation.machine_drafted = machine_drafted
    if status == Status.PUBLISHED and not was_published:
        translation.published_at = timezone.now()
    translation.save()
    Revision.objects.create(
        translation=translation, title=title, body=body, status=status, author=author, note=note
    )
    index_translation(translation)
    if author is not None:
        audit.record(author, "helpcenter.translation_saved", translation, status=status)
    if language == Language.ZH_HANS:
        _draft_traditional(translation)
    return translation


def _draft_traditional(source: ArticleTranslation) -> None:
    existing = ArticleTranslation.objects.filter(
        article_id=source.article_id, language=Language.ZH_HANT
    ).first()
    # A person's zh-Hant text is never overwritten; an untouched machine draft follows
    # its zh-Hans source.
    if existing is not None and not (existing.machine_drafted and existing.status == Status.DRAFT):
        return
    convert = _s2twp().convert
    save_translation(
        article=source.article,
        language=Language.ZH_HANT,
        title=convert(source.title),
        body=convert(source.body),
        status=Status.DRAFT,
        note="OpenCC s2twp",
        machine_drafted=True,
    )


def set_status(*, translation: ArticleTranslation, status: str, author: Any = None) -> None:
    save_translation(
        article=translation.article,
        language=translation.language,
        title=translation.title,
        body=translation.body,
        status=status,
        author=author,
        # Publishing is a person's decision to stand by the text.
        machine_drafted=translation.machine_drafted and status != Status.PUBLISHED,
    )


def voter_key(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def vote(*, translation: ArticleTranslation, session_key: str, helpful: bool) -> bool:
    """Record a reader's "was this helpful?"; False if this session already voted."""
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(
                translation=translation, voter=voter_key(session_key), helpful=helpful
            )
    except IntegrityError:
        return False
    return True


@dataclass
class ImportSummary:
    categories: int = 0
    translations: int = 0
    changed: int = 0


# zh-Hant first, so a shipped zh-Hant text is in place before zh-Hans would draft one.
_IMPORT_ORDER: dict[str, int] = {Language.ZH_HANT: 0, Language.ZH_HANS: 1, Language.EN: 2}


def import_bundle(progress: Callable[[str], None] | None = None) -> ImportSummary:
    """Load or update the bundled default help center; running it twice changes nothing."""
    summary = ImportSummary()
    with transaction.atomic():
        categories = {}
        for item in bundled.categories():
            categories[item.slug] = save_category(
                slug=item.slug, names=item.names, position=item.position
            )
            summary.categories += 1
        entries = sorted(bundled.articles(), key=lambda a: (a.slug, _IMPORT_ORDER[a.language]))
        articles: dict[str, Article] = {}
        for entry in entries:
            if entry.slug not in articles:
                articles[entry.slug] = save_article(
                    slug=entry.slug,
                    intent=entry.intent,
                    category=categories[entry.category],
                    position=entry.position,
                )
            before = (
                ArticleTranslation.objects.filter(
                    article=articles[entry.slug], language=entry.language
                )
                .values_list("updated_at", flat=True)
                .first()
            )
            translation = save_translation(
                article=articles[entry.slug],
                language=entry.language,
                title=entry.title,
                body=entry.body,
                status=Status.PUBLISHED,
                note="bundled content",
            )
            summary.translations += 1
            summary.changed += translation.updated_at != before
            if progress:
                progress(f"{entry.language}/{entry.slug}")
        for entry in entries:
            if entry.related:
                set_related(article=articles[entry.slug], slugs=list(entry.related))
    return summary


def count_search(*, found: bool) -> None:
    """Count one help-center search in this hour's row (for the deflection report)."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    # The row is created once per hour; the increment is one short UPDATE, so concurrent
    # searches queue on it only for the statement, never for a whole request.
    SearchCount.objects.bulk_create([SearchCount(hour=hour)], ignore_conflicts=True)
    SearchCount.objects.filter(hour=hour).update(
        searches=F("searches") + 1, no_results=F("no_results") + (0 if found else 1)
    )
