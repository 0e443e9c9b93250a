"""Keeping the community's search index in step, called by the actions that write.

A question is indexed while it is published and not merged: its title, its own text,
and the answers a searcher comes for (official and accepted ones). Other answers are
left out so that a question found by a word is found for what it settled, not for a
guess in its tenth reply. Only stored text is indexed, so it is indexed as redacted.
"""

from django.db.models import Q

from kefu.community.models import Post, PostKind, Question, SearchDocument, Visibility
from kefu.core.search.analysis import analyze


def _terms(text: str) -> str:
    return " ".join(analyze(text).terms)


def _indexed_bodies(question: Question) -> list[str]:
    settled = Q(kind=PostKind.QUESTION) | Q(kind=PostKind.ANSWER, official=True)
    if question.accepted_answer_id is not None:
        settled |= Q(pk=question.accepted_answer_id)
    return list(
        Post.objects.filter(settled, question=question, visibility=Visibility.PUBLISHED)
        .order_by("created_at", "pk")
        .values_list("body", flat=True)
    )


def index_question(question: Question) -> None:
    """Write the question's document, or remove it when the question is not public."""
    if question.visibility != Visibility.PUBLISHED or question.merged_into_id is not None:
        SearchDocument.objects.filter(question=question).delete()
        return
    SearchDocument.objects.update_or_create(
        question=question,
        defaults={
            "language": question.language,
            "solved": question.solved,
            "title_terms": _terms(question.title),
            "terms": _terms("\n\n".join(_indexed_bodies(question))),
        },
    )
