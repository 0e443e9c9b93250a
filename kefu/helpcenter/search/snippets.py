"""A short passage of an article around the words that matched, with <mark> around them."""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.helpcenter.search.analysis import fold_script, stem, synonyms

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


def _spans(folded: str, highlight: Highlight) -> list[tuple[int, int]]:
    table = synonyms()
    latin_group_words = {
        word
        for phrase, group in table.latin.items()
        if group in highlight.groups
        for word in phrase
    }
    cjk_words = {word for word in highlight.stems if not _LATIN_WORD.fullmatch(word)}
    cjk_words.update(word for word, group in table.cjk.items() if group in highlight.groups)
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


def _shingles(block: str) -> set[tuple[str, ...]]:
    # Words in English, characters in Chinese: three in a row make a phrase.
    tokens = _TOKEN.findall(fold_script(block.lower()))
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def distinct_blocks(text: str) -> list[str]:
    """The lines of the text without those another line already says.

    A heading is often repeated by the item under it ("What support will never ask for" /
    "Support will never ask for your recovery phrase…"), and an article may say a sentence
    twice; a snippet shows such a phrase once. A line of five tokens or more goes when
    two thirds of its three-token phrases are in one longer line (or an earlier one as
    long); shorter lines (a table cell, "Pending") stay.
    """
    blocks = [" ".join(line.split()) for line in text.splitlines()]
    blocks = [block for block in blocks if block]
    shingles = [_shingles(block) for block in blocks]
    kept = []
    for i, block in enumerate(blocks):
        mine = shingles[i]
        repeated = len(mine) >= 3 and any(
            3 * len(mine & shingles[j]) >= 2 * len(mine)
            for j, other in enumerate(blocks)
            if j != i and (len(other), -j) > (len(block), -i)
        )
        if not repeated:
            kept.append(block)
    return kept


def snippet(plain: str, highlight: Highlight) -> SafeString:
    # The passage comes from the start of the article, where the answer usually is; a
    # bound keeps a long article from costing more than a short one.
    plain = " ".join(distinct_blocks(plain[:SCAN]))
    spans = _spans(_folded_alike(plain), highlight)
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
