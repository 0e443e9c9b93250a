"""Searching the help center: one function for the portal pages, the API and the widget."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.safestring import SafeString

from kefu.core.search.analysis import (
    STOPWORDS,
    analyze,
    fold,
    group_token,
    is_vocabulary_word,
    stem,
    synonyms,
)
from kefu.core.search.queries import clean_query
from kefu.core.search.snippets import Highlight, snippet
from kefu.helpcenter.models import SearchDocument, SearchTerm
from kefu.helpcenter.search.backends import Backend, backend
from kefu.helpcenter.selectors import article_url, fallbacks

MAX_TERMS = 32
_TRAILING_WORD = re.compile(r"([a-z0-9]{2,})$")


@dataclass(frozen=True)
class SearchResult:
    slug: str
    title: str
    language: str
    snippet: SafeString
    url: str


def search(query: str, language: str, limit: int = 10) -> list[SearchResult]:
    text = clean_query(query)
    analyzed = analyze(text)
    concepts = [list(concept) for concept in analyzed.concepts][:MAX_TERMS]
    groups = set(analyzed.groups)
    search_backend = backend()
    # Search as you type: the last word may be unfinished, so it also matches as a prefix.
    trailing = _TRAILING_WORD.search(fold(query)) if not query.endswith(" ") else None
    prefix = trailing.group(1) if trailing else ""
    for written, known in _corrections(search_backend, analyzed.words).items():
        concept = next((c for c in concepts if c == [stem(written)]), None)
        if concept is None:
            continue
        if known is None:
            concepts.remove(concept)  # no article has this word; do not require it
            continue
        concept[:] = [stem(known)]
        # A corrected word brings its synonyms along, as a correctly typed one would.
        group = synonyms().latin.get((stem(known),))
        if group is not None:
            groups.add(group)
            concept.append(group_token(group))
        if written == prefix:
            concept.append(prefix + "*")  # "withdrawl" may also be "withdrawls…" typed
            prefix = ""
    if prefix:
        _add_prefix(concepts, prefix)
    if not concepts:
        return []  # only words too common to search for ("how do I")
    # Cheapest first: titles that name every concept, then bodies that have them all,
    # then anything with some of them; each step only while the page is not full.
    ranked: list[int] = []
    for every, titles in ((True, True), (True, False), (False, False)):
        if not every and len(concepts) == 1:
            break
        seen = set(ranked)
        found = search_backend.match(concepts, limit * 3, every=every, titles=titles)
        ranked += [translation_id for translation_id in found if translation_id not in seen]
        if len(ranked) >= limit:
            break
    terms = [term.rstrip("*") for concept in concepts for term in concept]
    highlight = Highlight(frozenset(terms), frozenset(groups), prefix)
    return _results(ranked, terms, language, limit, highlight)


def _add_prefix(concepts: list[list[str]], prefix: str) -> None:
    """Let the word being typed match as a prefix, within the concept it belongs to."""
    stemmed = stem(prefix)
    owner = next((c for c in concepts if stemmed in c), None)
    if owner is None:
        groups = [g for phrase, g in synonyms().latin.items() if stemmed in phrase]
        tokens = {group_token(group) for group in groups}
        owner = next((c for c in concepts if tokens.intersection(c)), None)
    if owner is not None:
        owner.append(prefix + "*")
    elif prefix not in STOPWORDS:
        concepts.append([prefix + "*"])


def _corrections(search_backend: Backend, written: tuple[str, ...]) -> dict[str, str | None]:
    """For each English word no article has: the nearest word one has, or None.

    Only words of four letters or more: shorter ones have too many neighbours.
    """
    words = [word for word in written if len(word) >= 4 and is_vocabulary_word(word)]
    if not words:
        return {}
    known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
    return {word: search_backend.closest_term(word) for word in words if word not in known}


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
        # Substring tests on the space-separated terms: no need to split a long article.
        title, body = f" {self.title_terms} ", f" {self.terms} "
        in_title = sum(f" {term} " in title for term in query_terms)
        covered = 2 * in_title + sum(f" {term} " in body for term in query_terms)
        return covered, in_title / max(title.count(" ") - 1, 1)


def _results(
    ranked: list[int], terms: list[str], language: str, limit: int, highlight: Highlight
) -> list[SearchResult]:
    order = fallbacks(language)
    # Every indexed translation of the matched articles, in one query: a match in one
    # language is shown in the reader's nearest language the article has.
    matched = SearchDocument.objects.filter(translation_id__in=ranked).values(
        "translation__article_id"
    )
    rows = [
        _Row._make(values)
        for values in SearchDocument.objects.filter(
            translation__article_id__in=matched, language__in=order
        ).values_list(
            "translation_id",
            "translation__article_id",
            "translation__article__slug",
            "translation__title",
            "translation__language",
            "plain",
            "title_terms",
            "terms",
        )
    ]
    by_id = {row.translation_id: row for row in rows}
    shown: dict[int, _Row] = {}
    for row in rows:
        current = shown.get(row.article_id)
        if current is None or order.index(row.language) < order.index(current.language):
            shown[row.article_id] = row
    hits = sorted(
        (by_id[translation_id] for translation_id in ranked if translation_id in by_id),
        key=lambda row: row.coverage(terms),
        reverse=True,
    )
    articles = list(dict.fromkeys(row.article_id for row in hits))[:limit]
    return [
        SearchResult(
            slug=row.slug,
            title=row.title,
            language=row.language,
            snippet=snippet(row.plain, highlight),
            url=article_url(row.slug),
        )
        for row in (shown[article_id] for article_id in articles)
    ]
