"""Rebuilding the community's search index from the database, a batch at a time.

The same documents index_question() writes, but for many questions per query: the
settled posts of a whole batch are read at once, and the documents inserted together.
"""

from collections.abc import Callable, Iterator

from django.db import transaction
from django.db.models import Q, QuerySet

from kefu.community.models import Post, PostKind, Question, SearchDocument, Visibility
from kefu.core.search.analysis import analyze
from kefu.core.search.batches import in_batches

BATCH = 1000
_Row = tuple[int, str, str, bool, int | None]


def _terms(text: str) -> str:
    return " ".join(analyze(text).terms)


def indexable() -> QuerySet[Question]:
    """The questions that have a document: published and not merged."""
    return Question.objects.filter(visibility=Visibility.PUBLISHED, merged_into__isnull=True)


def _index_batch(rows: list[_Row]) -> None:
    ids = [row[0] for row in rows]
    accepted = [row[4] for row in rows if row[4] is not None]
    bodies: dict[int, list[str]] = {}
    for question_id, body in (
        Post.objects.filter(
            Q(kind=PostKind.QUESTION) | Q(kind=PostKind.ANSWER, official=True) | Q(pk__in=accepted),
            question_id__in=ids,
            visibility=Visibility.PUBLISHED,
        )
        .order_by("question_id", "created_at", "pk")
        .values_list("question_id", "body")
    ):
        bodies.setdefault(question_id, []).append(body)
    SearchDocument.objects.bulk_create(
        SearchDocument(
            question_id=question_id,
            language=language,
            solved=solved,
            title_terms=_terms(title),
            terms=_terms("\n\n".join(bodies.get(question_id, []))),
        )
        for question_id, title, language, solved, _accepted in rows
    )


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Index every public question afresh; returns how many documents there are."""
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        # The stubs type accepted_answer_id as never None; it is None for most questions.
        rows: Iterator[_Row] = (
            indexable()
            .order_by("pk")
            .values_list("pk", "title", "language", "solved", "accepted_answer_id")
            .iterator(chunk_size=BATCH)
        )
        in_batches(rows, BATCH, _index_batch, progress)
    return SearchDocument.objects.count()
