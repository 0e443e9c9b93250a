"""A short passage of a text (an article, a conversation) around the words that matched,
with <mark> around them."""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.core.search.analysis import fold_script, stem, synonyms

WIDTH = 160
SCAN = 3000
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"[a-z0-9]+|[^\W\d_a-z]")


@dataclass(frozen=True)
class Highlight:
    stems: frozenset[str]  # English stems and Chinese words from the query
    groups: frozenset[int]  # synonym groups the query named
    prefix: str  # the word being typed, matched as a prefix


def _folded_alike(plain: str) -> str:
    # Offsets found in the folded text must point at the same characters in the plain
    # text: lower case and OpenCC keep the length for almost everything (NFKC does not:
    # … becomes ...), and per character when they do not.
    folded = fold_script(plain.lower())
    if len(folded) == len(plain):
        return folded
    return "".join(fold_script(char.lower())[:1] or char for char in plain)


@lru_cache(maxsize=64)
def _words(highlight: Highlight) -> tuple[frozenset[str], frozenset[str]]:
    """English stems of the query's synonym groups, and the Chinese words to find: worked
    out once per query rather than for every line of every result."""
    table = synonyms()
    latin_group_words = {
        word
        for phrase, group in table.latin.items()
        if group in highlight.groups
        for word in phrase
    }
    cjk_words = {word for word in highlight.stems if not _LATIN_WORD.fullmatch(word)}
    cjk_words.update(word for word, group in table.cjk.items() if group in highlight.groups)
    return frozenset(latin_group_words), frozenset(cjk_words)


def _spans(folded: str, highlight: Highlight) -> list[tuple[int, int]]:
    latin_group_words, cjk_words = _words(highlight)
    spans = []
    for found in _LATIN_WORD.finditer(folded):
        word = found.group()
        stemmed = stem(word)
        if (
            stemmed in highlight.stems
            or stemmed in latin_group_words
            or (highlight.prefix and word.startswith(highlight.prefix))
        ):
            spans.append(found.span())
    for word in cjk_words:
        start = folded.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = folded.find(word, start + len(word))
    return _merged(sorted(spans))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class _Line(NamedTuple):
    text: str  # as the reader sees it, spaces collapsed
    folded: str  # the same characters folded (see _folded_alike), for matching


def _shingles(folded: str) -> set[tuple[str, ...]]:
    # Words in English, characters in Chinese: three in a row make a phrase.
    tokens = _TOKEN.findall(folded)
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def distinct_blocks(text: str) -> list[str]:
    """The lines of the text without those another line already says.

    A heading is often repeated by the item under it ("What support will never ask for" /
    "Support will never ask for your recovery phrase…"), and an article may say a sentence
    twice; a snippet shows such a phrase once. A line of five tokens or more goes when
    two thirds of its three-token phrases are in one longer line (or an earlier one as
    long); shorter lines (a table cell, "Pending") stay.
    """
    return [line.text for line in _distinct(_lines(text))]


def _lines(text: str) -> list[_Line]:
    # One fold for the whole text (OpenCC per line would cost more than the rest of the
    # snippet); folding keeps the length, so the two split into the same lines.
    folded_lines = _folded_alike(text).splitlines()
    raw_lines = text.splitlines()
    if len(folded_lines) != len(raw_lines):
        folded_lines = [_folded_alike(line) for line in raw_lines]
    lines = []
    for raw, folded in zip(raw_lines, folded_lines, strict=True):
        line = _Line(" ".join(raw.split()), " ".join(folded.split()))
        if line.text:
            lines.append(
                line
                if len(line.text) == len(line.folded)
                else line._replace(folded=_folded_alike(line.text))
            )
    return lines


def _distinct(lines: list[_Line]) -> list[_Line]:
    shingles = [_shingles(line.folded) for line in lines]
    holders: dict[tuple[str, ...], list[int]] = {}
    for j, phrases in enumerate(shingles):
        for phrase in phrases:
            holders.setdefault(phrase, []).append(j)
    kept = []
    for i, line in enumerate(lines):
        mine = shingles[i]
        common = [phrase for phrase in mine if len(holders[phrase]) > 1]
        # Most lines share too little with any other to be a repeat: no need to count.
        repeated = len(mine) >= 3 and 3 * len(common) >= 2 * len(mine)
        if repeated:
            shared = Counter(j for phrase in common for j in holders[phrase] if j != i)
            repeated = any(
                3 * count >= 2 * len(mine) and (len(lines[j].text), -j) > (len(line.text), -i)
                for j, count in shared.items()
            )
        if not repeated:
            kept.append(line)
    return kept


class _Passage(NamedTuple):
    lines: list[_Line]
    spans: list[tuple[int, int]]  # the matches, as offsets into the passage's lines joined
    cut_before: bool
    cut_after: bool


def _passage(lines: list[_Line], highlight: Highlight) -> _Passage:
    """The lines a snippet can reach: from a little before the first match to a little
    more than the snippet's width after it.

    Only these are compared with each other, which keeps the comparison to a few lines
    however long the article is: a line outside the snippet cannot repeat inside it.
    """
    spans = _spans(" ".join(line.folded for line in lines), highlight)
    first = spans[0][0] if spans else 0
    ends = list(accumulate(len(line.text) + 1 for line in lines))
    match = next((i for i, end in enumerate(ends) if end > first), 0)
    start = match
    while start > 0 and ends[match - 1] - ends[start - 1] < WIDTH // 4:
        start -= 1
    stop = match + 1
    while stop < len(lines) and ends[stop - 1] - ends[match - 1 if match else 0] < 2 * WIDTH:
        stop += 1
    offset = ends[start - 1] if start else 0
    length = (ends[stop - 1] if stop else 0) - offset - 1
    inside = [(a - offset, b - offset) for a, b in spans if a >= offset and b <= offset + length]
    return _Passage(lines[start:stop], inside, start > 0, stop < len(lines))


def snippet(plain: str, highlight: Highlight) -> SafeString:
    # The passage comes from the start of the article, where the answer usually is; a
    # bound keeps a long article from costing more than a short one.
    return _cut(_passage(_lines(plain[:SCAN]), highlight), highlight)


def matching_snippet(plain: str, highlight: Highlight) -> SafeString | None:
    """snippet(), or None when the text has no highlighted word (one pass, not two)."""
    passage = _passage(_lines(plain[:SCAN]), highlight)
    return _cut(passage, highlight) if passage.spans else None


def _cut(passage: _Passage, highlight: Highlight) -> SafeString:
    cut_before, cut_after = passage.cut_before, passage.cut_after
    kept = _distinct(passage.lines)
    plain = " ".join(line.text for line in kept)
    # Usually no line goes, and the matches found for the passage still hold.
    spans = (
        passage.spans
        if len(kept) == len(passage.lines)
        else _spans(" ".join(line.folded for line in kept), highlight)
    )
    start = max(0, spans[0][0] - WIDTH // 4) if spans else 0
    # Start on a word boundary in English; Chinese can start at any character.
    space = plain.rfind(" ", max(0, start - 20), start)
    if space != -1:
        start = space + 1
    end = min(len(plain), start + WIDTH)
    pieces = ["…"] if start > 0 or cut_before else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(plain[position:span_start]))
        pieces.append(f"<mark>{escape(plain[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(plain[position:end]))
    if end < len(plain) or cut_after:
        pieces.append("…")
    # Every piece of the text went through escape(); only <mark> is ours.
    return mark_safe("".join(pieces))
