"""Keeping the search index in step with published translations (called by actions)."""

from collections.abc import Callable, Iterable

from django.db import transaction

from kefu.core.search.analysis import analyze, is_vocabulary_word
from kefu.core.search.batches import in_batches
from kefu.helpcenter.models import ArticleTranslation, SearchDocument, SearchTerm, Status
from kefu.helpcenter.rendering import to_plain

BATCH = 500


def _document(translation: ArticleTranslation) -> tuple[SearchDocument, set[str]]:
    plain = to_plain(translation.body)
    title = analyze(translation.title)
    body = analyze(plain)
    vocabulary = {word for word in (*title.words, *body.words) if is_vocabulary_word(word)}
    document = SearchDocument(
        translation_id=translation.pk,
        language=translation.language,
        title_terms=" ".join(title.terms),
        terms=" ".join(body.terms),
        plain=plain,
    )
    return document, vocabulary


def index_translation(translation: ArticleTranslation) -> None:
    """Index a published translation, or take a draft out of the index."""
    index_many([translation])


def index_many(
    translations: Iterable[ArticleTranslation], progress: Callable[[int], None] | None = None
) -> None:
    in_batches(translations, BATCH, _index_batch, progress)


def _index_batch(translations: list[ArticleTranslation]) -> None:
    published = [t for t in translations if t.status == Status.PUBLISHED]
    documents = []
    vocabulary: set[str] = set()
    for translation in published:
        document, words = _document(translation)
        documents.append(document)
        vocabulary |= words
    with transaction.atomic():
        # Delete + insert rather than update: the full-text index (FTS5 triggers or the
        # generated tsvector) follows row changes either way, and this is one statement.
        SearchDocument.objects.filter(translation__in=translations).delete()
        SearchDocument.objects.bulk_create(documents)
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=term) for term in sorted(vocabulary)], ignore_conflicts=True
        )


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every translation afresh; returns how many are published."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        index_many(ArticleTranslation.objects.order_by("pk").iterator(chunk_size=BATCH), progress)
    return SearchDocument.objects.count()
