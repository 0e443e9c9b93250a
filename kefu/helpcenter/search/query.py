"""Searching the help center: one function for the portal pages, the API and the widget."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kefu.core.errors import KefuError
from kefu.helpcenter.models import SearchDocument, SearchTerm
from kefu.helpcenter.search.analysis import analyze, fold, group_token, stem, synonyms
from kefu.helpcenter.search.backends import backend
from kefu.helpcenter.search.snippets import Highlight, snippet
from kefu.helpcenter.selectors import article_url, fallbacks

MAX_QUERY_LENGTH = 200
MAX_TERMS = 32
_SEARCHABLE = re.compile(r"\w")
_TRAILING_WORD = re.compile(r"([a-z0-9]{2,})$")


class QueryError(KefuError):
    """A query that cannot be searched; the message is for the person who typed it."""

    code = "invalid_query"


@dataclass(frozen=True)
class SearchResult:
    slug: str
    title: str
    language: str
    snippet: SafeString
    url: str


def search(query: str, language: str, limit: int = 10) -> list[SearchResult]:
    text = " ".join(query.split())
    if not _SEARCHABLE.search(text):
        raise QueryError(_("Type a few words to search for."))
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("A search can be at most %(limit)d characters long.") % {"limit": MAX_QUERY_LENGTH}
        )
    analyzed = analyze(text)
    terms = list(dict.fromkeys(analyzed.terms))[:MAX_TERMS]
    # Search as you type: the last word may be unfinished, so it also matches as a prefix.
    trailing = _TRAILING_WORD.search(fold(query)) if not query.endswith(" ") else None
    prefix = trailing.group(1) if trailing else ""
    if not terms and not prefix:
        return []  # only words too common to search for ("how do I")
    groups = set(analyzed.groups)
    for corrected in map(stem, _corrections(analyzed.words)):
        terms.append(corrected)
        # A corrected word brings its synonyms along, as a correctly typed one would.
        group = synonyms().latin.get((corrected,))
        if group is not None and group not in groups:
            groups.add(group)
            terms.append(group_token(group))
    ranked = backend().match(terms, prefix, fallbacks(language), limit * 3)
    return _results(
        ranked, terms, language, limit, Highlight(frozenset(terms), frozenset(groups), prefix)
    )


def _corrections(written: tuple[str, ...]) -> list[str]:
    """Known words for the query's unknown English words of four letters or more."""
    words = [word for word in written if len(word) >= 4]
    if not words:
        return []
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    search_backend = backend()
    corrected = (search_backend.closest_term(word) for word in words if word not in known)
    return [word for word in corrected if word]


class _Row(NamedTuple):
    translation_id: int
    article_id: int
    slug: str
    title: str
    language: str
    plain: str
    title_terms: str
    terms: str

    def coverage(self, query_terms: list[str]) -> tuple[int, float]:
        """How many query terms the article has (title ones count double), then how much
        of its title the query names.

        Full-text ranking alone favours a short title that repeats one query word over
        the article that has all of them (提币没到账 → "How to withdraw" before
        "Withdrawal not arrived"); this puts the articles that cover the query first.
        """
        title, body = set(self.title_terms.split()), set(self.terms.split())
        covered = sum(2 * (term in title) + (term in body) for term in query_terms)
        return covered, len(title.intersection(query_terms)) / max(len(title), 1)


def _results(
    ranked: list[int], terms: list[str], language: str, limit: int, highlight: Highlight
) -> list[SearchResult]:
    rows = {
        row.translation_id: row
        for row in map(
            _Row._make,
            SearchDocument.objects.filter(translation_id__in=ranked).values_list(
                "translation_id",
                "translation__article_id",
                "translation__article__slug",
                "translation__title",
                "translation__language",
                "plain",
                "title_terms",
                "terms",
            ),
        )
    }
    order = fallbacks(language)
    # One result per article, at the rank of its best match, in the reader's nearest
    # language among the translations that matched.
    best: dict[int, _Row] = {}
    candidates = sorted(
        (translation_id for translation_id in ranked if translation_id in rows),
        key=lambda translation_id: rows[translation_id].coverage(terms),
        reverse=True,
    )
    for translation_id in candidates:
        row = rows[translation_id]
        current = best.get(row.article_id)
        if current is None or order.index(row.language) < order.index(current.language):
            best[row.article_id] = row
    return [
        SearchResult(
            slug=row.slug,
            title=row.title,
            language=row.language,
            snippet=snippet(row.plain, highlight),
            url=article_url(row.slug),
        )
        for row in list(best.values())[:limit]
    ]
