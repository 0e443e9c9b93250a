"""Searching the help center: one function for the portal pages, the API and the widget."""

import re
from dataclasses import dataclass
from math import sqrt
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
from kefu.helpcenter.search.backends import WEIGHTS, Backend, backend
from kefu.helpcenter.selectors import article_url, fallbacks

MAX_TERMS = 32
_TRAILING_WORD = re.compile(r"([a-z0-9]{2,})$")
# (every concept, titles only, titles and heads only) for each backend step in turn.
_STEPS = ((True, True, False), (True, False, True), (True, False, False), (False, False, False))
# What a query word is worth by where the article has it: title, head (lead and
# headings), own text, shared blocks. A word only in the box many articles share
# ("support will never ask for your recovery phrase") says little about the article.
_COVERAGE_WEIGHTS = (2.0, 1.5, 1.0, 0.25)


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
    if prefix and not _ends_phrase(prefix, groups):
        _add_prefix(concepts, prefix)
    if not concepts:
        return []  # only words too common to search for ("how do I")
    # Cheapest first: titles that name every concept, then titles with leads and
    # headings, then whole documents that have them all, then anything with some of
    # them; each step only while the page is not full.
    ranked: list[int] = []
    for every, titles, heads in _STEPS:
        if not every and len(concepts) == 1:
            break
        seen = set(ranked)
        found = search_backend.match(concepts, limit * 3, every=every, titles=titles, heads=heads)
        ranked += [translation_id for translation_id in found if translation_id not in seen]
        if len(ranked) >= limit:
            break
    terms = [term.rstrip("*") for concept in concepts for term in concept]
    highlight = Highlight(frozenset(terms), frozenset(groups), prefix)
    return _results(ranked, terms, language, limit, highlight)


def _ends_phrase(word: str, groups: set[int]) -> bool:
    """Whether the word completes a synonym phrase the query has ("private key").

    As a prefix it would stand for the whole phrase alone, and "key" would rank the
    backup-key article with "private key" articles.
    """
    stemmed = stem(word)
    return any(
        len(phrase) > 1 and phrase[-1] == stemmed and group in groups
        for phrase, group in synonyms().latin.items()
    )


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
    head_terms: str
    terms: str
    shared_terms: str

    def coverage(self, query_terms: list[str]) -> tuple[float, float, float]:
        """How much of the query the article has, each term weighed by the best place it
        has it (title, head, own text, shared blocks), then how much of its title the
        query names, then how often it has the terms for its length (weighed by column
        like the full-text ranking): the last settles ties the same way on every backend.

        Full-text ranking alone favours a short title that repeats one query word over
        the article that has all of them (提币没到账 → "How to withdraw" before
        "Withdrawal not arrived"); this puts the articles that cover the query first.
        """
        # Substring tests on the space-separated terms: no need to split a long article.
        columns = [
            f" {column} "
            for column in (self.title_terms, self.head_terms, self.terms, self.shared_terms)
        ]
        covered = 0.0
        for term in query_terms:
            needle = f" {term} "
            weights = zip(_COVERAGE_WEIGHTS, columns, strict=True)
            covered += next((weight for weight, column in weights if needle in column), 0.0)
        in_title = sum(f" {term} " in columns[0] for term in query_terms)
        frequency = sum(
            weight * column.count(f" {term} ")
            for term in query_terms
            for weight, column in zip(WEIGHTS, columns, strict=True)
        )
        length = sum(column.count(" ") for column in columns)
        return covered, in_title / max(columns[0].count(" ") - 1, 1), frequency / sqrt(length)


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
            "head_terms",
            "terms",
            "shared_terms",
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
