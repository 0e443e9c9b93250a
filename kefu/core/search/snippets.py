"""A short passage of a text (an article, a conversation) around the words that matched,
with <mark> around them."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.core.search.analysis import fold_script, stem, synonyms

WIDTH = 160
SCAN = 3000
_LATIN_WORD = re.compile(r"[a-z0-9]+")


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


# A page of results cuts many passages for one query: the words to look for are
# worked out once per query.
@lru_cache(maxsize=64)
def _wanted(highlight: Highlight) -> tuple[frozenset[str], frozenset[str]]:
    table = synonyms()
    latin_group_words = frozenset(
        word
        for phrase, group in table.latin.items()
        if group in highlight.groups
        for word in phrase
    )
    cjk_words = {word for word in highlight.stems if not _LATIN_WORD.fullmatch(word)}
    cjk_words.update(word for word, group in table.cjk.items() if group in highlight.groups)
    return latin_group_words, frozenset(cjk_words)


def _spans(folded: str, highlight: Highlight) -> list[tuple[int, int]]:
    latin_group_words, cjk_words = _wanted(highlight)
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


def snippet(plain: str, highlight: Highlight) -> SafeString:
    # The passage comes from the start of the article, where the answer usually is; a
    # bound keeps a long article from costing more than a short one.
    plain = " ".join(plain[:SCAN].split())
    return _cut(plain, _spans(_folded_alike(plain), highlight))


def matching_snippet(plain: str, highlight: Highlight) -> SafeString | None:
    """snippet(), or None when the text has no highlighted word (one pass, not two)."""
    plain = " ".join(plain[:SCAN].split())
    spans = _spans(_folded_alike(plain), highlight)
    return _cut(plain, spans) if spans else None


def _cut(plain: str, spans: list[tuple[int, int]]) -> SafeString:
    start = max(0, spans[0][0] - WIDTH // 4) if spans else 0
    # Start on a word boundary in English; Chinese can start at any character.
    space = plain.rfind(" ", max(0, start - 20), start)
    if space != -1:
        start = space + 1
    end = min(len(plain), start + WIDTH)
    pieces = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(escape(plain[position:span_start]))
        pieces.append(f"<mark>{escape(plain[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(plain[position:end]))
    if end < len(plain):
        pieces.append("…")
    # Every piece of the text went through escape(); only <mark> is ours.
    return mark_safe("".join(pieces))
