"""Searching the community: the help center's search page and the ask form's "similar
questions" read from here.

The query is analysed by the help center's analyzer (kefu.core.search.analysis), which
folds traditional characters to simplified ones before segmenting: a zh-Hant question and
a zh-Hans one are indexed with the same terms, so 提幣沒到賬 finds 提币没到账 and back.
Questions in every language are searched (a synonym group's token also joins Chinese and
English wordings); the reader's own script family comes first, then the solved questions
(an accepted or an official answer), then those whose title names more of the query, then
the full-text rank, which already weighs the title above the text.
"""

import re
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.community.links import question_path
from kefu.community.models import Post, PostKind, SearchDocument, Visibility
from kefu.core.search.analysis import analyze, fold
from kefu.core.search.expressions import Concepts, fts5_match, tsquery
from kefu.core.search.queries import clean_query
from kefu.core.search.snippets import SCAN, Highlight, matching_snippet, snippet
from kefu.helpcenter.rendering import to_plain

MAX_TERMS = 32
# bm25 column weights for (title_terms, terms), in the proportion PostgreSQL's default
# ts_rank weights give an A-weighted title word over an unweighted one (1.0 / 0.1).
_BM25_WEIGHTS = "10.0, 1.0"
_TRAILING_WORD = re.compile(r"([a-z0-9]{2,})$")
# A page of results is picked from this many times as many full-text candidates: enough
# for the solved and same-language ones to come first without ranking every match.
_CANDIDATES = 5
# Any-word matches ranked per search: the newest this many.
RANKED_WINDOW = 2000
_TSQUERY_TERM_END = re.compile(r"'(:\*)?(?=[\s)|&]|$)")
# The texts of the similar-questions endpoint (kefu/portal/views/community_search.py), in
# the community's catalogue with the rest of its search.
SIMILAR_HEADING = gettext_lazy("Similar questions")
TOO_MANY_SEARCHES = gettext_lazy("Too many searches. Wait a few minutes and try again.")


class Step(Enum):
    TITLES = "titles"  # every concept in the title
    EVERY = "every"  # every concept anywhere
    ANY = "any"  # some of them, ranked


@dataclass(frozen=True)
class Result:
    question_id: int
    title: str
    language: str
    solved: bool
    official: bool  # staff answered it
    answer_count: int
    snippet: SafeString  # empty for similar()
    url: str

    @property
    def label(self) -> str:
        """What settled it, for a list that shows only titles."""
        if self.official:
            return _("Official answer")
        return _("Solved") if self.solved else ""


def ask_url() -> str:
    return reverse("community:ask")


def _family(language: str) -> str:
    # Chinese readers read both scripts (and the index folds them into one).
    return "zh" if language.startswith("zh") else language


def _title_tsquery(query: str) -> str:
    """The tsquery restricted to the title's words (weight A): 'x' → 'x':A, 'x':* → 'x':*A."""
    return _TSQUERY_TERM_END.sub(lambda end: "':*A" if end.group(1) else "':A", query)


def _match(concepts: Concepts, limit: int, step: Step) -> list[int]:
    """Question ids whose document has the concepts as the step asks, best first.

    Only the index is read: the filters and the finer order come after, on a few rows.
    Where every concept must match, the newest come first and nothing is ranked: a word
    common in a large community matches thousands of questions, and scoring them all
    (bm25, ts_rank) costs tens of milliseconds for an order the caller refines anyway.
    Any-word matches are ranked, so those with more of the query come first, but only
    the newest RANKED_WINDOW of them: a few common words match most of a large
    community, and ranking the whole union is what made a search slow.
    """
    every = step is not Step.ANY
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = tsquery(concepts, every=every)
            if step is Step.TITLES:
                query = _title_tsquery(query)
            newest = (
                "SELECT question_id{} FROM community_searchdocument"
                " WHERE vector @@ CAST(%s AS tsquery) ORDER BY question_id DESC LIMIT %s"
            )
            if every:
                cursor.execute(newest.format(""), [query, limit])
            else:
                cursor.execute(
                    f"SELECT question_id FROM ({newest.format(', vector')}) recent"
                    " ORDER BY ts_rank(vector, CAST(%s AS tsquery)) DESC LIMIT %s",
                    [query, RANKED_WINDOW, query, limit],
                )
        else:
            expression = fts5_match(concepts, every=every)
            if step is Step.TITLES:
                expression = f"title_terms : ({expression})"
            if every:
                cursor.execute(
                    "SELECT rowid FROM community_search_fts WHERE community_search_fts MATCH %s"
                    " ORDER BY rowid DESC LIMIT %s",
                    [expression, limit],
                )
            else:
                cursor.execute(
                    "SELECT rowid FROM (SELECT rowid, bm25(community_search_fts,"
                    f" {_BM25_WEIGHTS}) AS score FROM community_search_fts"
                    " WHERE community_search_fts MATCH %s ORDER BY rowid DESC LIMIT %s)"
                    " ORDER BY score LIMIT %s",
                    [expression, RANKED_WINDOW, limit],
                )
        return [row[0] for row in cursor.fetchall()]


class _Row(NamedTuple):
    question_id: int
    title: str
    language: str
    solved: bool
    official: bool
    answer_count: int
    title_terms: str
    accepted_id: int | None


def _rows(ranked: list[int], terms: list[str], language: str) -> list[_Row]:
    """The matched questions that are public now, in the order described at the top.

    Published and not merged is checked on the question itself, not trusted to the index,
    so a question hidden a moment ago is not shown even if its document lags.
    """
    # The visibility is read, not filtered on: as a condition it tempts SQLite into
    # the questions-by-visibility index, a scan of every published question.
    found = SearchDocument.objects.filter(question_id__in=ranked).values_list(
        "question_id",
        "question__title",
        "question__language",
        "question__solved",
        "question__first_official_answer_at",
        "question__answer_count",
        "title_terms",
        "question__accepted_answer_id",
        "question__visibility",
        "question__merged_into_id",
    )
    rows = [
        _Row(pk, title, lang, solved, official_at is not None, answers, terms, accepted)
        for pk, title, lang, solved, official_at, answers, terms, accepted, shown, merged in found
        if shown == Visibility.PUBLISHED and merged is None
    ]
    rank = {question_id: position for position, question_id in enumerate(ranked)}
    family = _family(language)

    def key(row: _Row) -> tuple[bool, bool, int, int]:
        title = f" {row.title_terms} "
        in_title = sum(f" {term} " in title for term in terms)
        return (
            _family(row.language) != family,
            not (row.solved or row.official),
            -in_title,
            rank[row.question_id],
        )

    return sorted(rows, key=key)


def _terms(concepts: Concepts) -> list[str]:
    return [term.rstrip("*") for concept in concepts for term in concept]


def _snippets(rows: list[_Row], highlight: Highlight) -> dict[int, SafeString]:
    """For each question, a passage of its official or accepted answer with a word of the
    query (what the searcher comes for), else of its own text, else its start.

    One query: the opening posts and the settling answers, each cut to what a snippet
    can show.
    """
    ids = [row.question_id for row in rows]
    accepted = [row.accepted_id for row in rows if row.accepted_id is not None]
    # Read by the thread index (question, kind); the visibility is tested here, as a
    # condition it would lead SQLite to walk every published post.
    posts = (
        Post.objects.filter(
            Q(kind=PostKind.QUESTION) | Q(kind=PostKind.ANSWER, official=True) | Q(pk__in=accepted),
            question_id__in=ids,
        )
        .annotate(start=Substr("body", 1, SCAN))
        .order_by("question_id", "created_at", "pk")
        .values_list("question_id", "kind", "visibility", "start")
    )
    answers: dict[int, list[str]] = {}
    opening: dict[int, str] = {}
    for question_id, kind, visibility, start in posts:
        if visibility != Visibility.PUBLISHED:
            continue
        plain = to_plain(start)
        if kind == PostKind.QUESTION:
            opening.setdefault(question_id, plain)
        else:
            answers.setdefault(question_id, []).append(plain)
    found: dict[int, SafeString] = {}
    for question_id in ids:
        texts = [*answers.get(question_id, []), opening.get(question_id, "")]
        cut = next(
            (c for c in (matching_snippet(text, highlight) for text in texts) if c is not None),
            None,
        )
        found[question_id] = cut if cut is not None else snippet(texts[-1], highlight)
    return found


def _result(row: _Row, cut: SafeString) -> Result:
    return Result(
        question_id=row.question_id,
        title=row.title,
        language=row.language,
        solved=row.solved,
        official=row.official,
        answer_count=row.answer_count,
        snippet=cut,
        url=question_path(row.question_id),
    )


def search(
    query: str, language: str, limit: int = 10, *, solved_only: bool = False
) -> list[Result]:
    """Published questions for a query, best first, with a highlighted passage each.

    Questions that have every concept of the query come first; when those do not fill
    the page, questions with some of them follow. With solved_only (the help center's
    page), only questions with an accepted or official answer.
    """
    analyzed = analyze(clean_query(query))
    concepts = [list(concept) for concept in analyzed.concepts][:MAX_TERMS]
    if not concepts:
        return []  # only words too common to search for ("how do I")
    terms = _terms(concepts)
    # Candidates from each step in turn while the page is not full, then ordered
    # together: a solved question found by its text goes before an unsolved one whose
    # title has the words.
    ranked: list[int] = []
    rows: list[_Row] = []
    for step in Step:
        if step is Step.ANY and len(concepts) == 1:
            break
        seen = set(ranked)
        ranked += [
            question_id
            for question_id in _match(concepts, limit * _CANDIDATES, step)
            if question_id not in seen
        ]
        rows = [
            row
            for row in _rows(ranked, terms, language)
            if row.solved or row.official or not solved_only
        ]
        if len(rows) >= limit:
            break
    rows = rows[:limit]
    highlight = Highlight(frozenset(terms), analyzed.groups, "")
    cuts = _snippets(rows, highlight)
    return [_result(row, cuts[row.question_id]) for row in rows]


def similar(title: str, language: str, limit: int = 5) -> list[Result]:
    """Questions like the one being typed into the ask form: any word of the title (the
    last one also as a prefix, it may be unfinished), the closest first. No snippets:
    the list under the title field shows titles."""
    analyzed = analyze(clean_query(title))
    concepts = [list(concept) for concept in analyzed.concepts][:MAX_TERMS]
    trailing = _TRAILING_WORD.search(fold(title)) if not title.endswith(" ") else None
    if trailing is not None:
        prefix = trailing.group(1)
        owner = next((c for c in concepts if any(t.startswith(prefix) for t in c)), None)
        if owner is not None:
            owner.append(prefix + "*")
        elif len(concepts) < MAX_TERMS:
            concepts.append([prefix + "*"])
    if not concepts:
        return []
    ranked = _match(concepts, limit * _CANDIDATES, Step.TITLES)
    seen = set(ranked)
    if len(ranked) < limit:
        ranked += [pk for pk in _match(concepts, limit * _CANDIDATES, Step.ANY) if pk not in seen]
    rows = _rows(ranked, _terms(concepts), language)[:limit]
    return [_result(row, SafeString("")) for row in rows]
