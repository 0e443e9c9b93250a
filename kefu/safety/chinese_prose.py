"""How much a run of Chinese characters looks like a random phrase rather than prose.

Every common character is in the BIP39 Chinese lists, so "all characters are words" says
nothing. Two things do: the lists are ordered by frequency, so prose is made of low-index
characters while a random phrase draws evenly from all 2,048; and prose is made of words,
so neighbouring characters keep forming common two-character words ("提币", "到账"),
which twelve random characters almost never do. A character repeated ("哈哈哈", "好好好")
counts as such a link too: prose repeats, a random phrase almost never does.

The score combines both, measured on random phrases and on customer-service prose:
random phrases score 7.1 or more in 99.99 % of cases, prose windows stayed under 7.0.

A window cut out of a longer run of prose is judged with the whole dictionary as well
(`links_in_context`): words of three or more characters ("乌鲁木齐", "塔吉克斯坦"), which
the table of two-character words cannot see, and words cut in two by the window's edge
("…海洋世|界…"), are prose evidence that random characters glued to a sentence almost never
give. `bench/scan_classes.py` measures both sides.
"""

import itertools
import math
import operator
import re
from collections.abc import Iterator
from importlib import resources

import rjieba

from kefu.safety import bip39

# Below this the run is prose. Chosen in the gap between the two measured populations.
RANDOM_PHRASE_BAR = 7.3
# Weight of the share of neighbours that form a word, against the mean log rank.
WORD_PAIR_WEIGHT = 6.0

LOG_RANK: dict[str, float] = {
    char: math.log2(index + 1) for char, index in bip39.CHINESE_INDEX.items()
}


def _load_word_pairs() -> frozenset[int]:
    text = (resources.files("kefu.safety") / "data" / "chinese_words.txt").read_text("utf-8")
    pairs = set()
    for line in text.splitlines():
        if len(line) == 2 and not line.startswith("#"):
            # Stored by word-list index, so the traditional list (same indices) is covered.
            pairs.add(bip39.CHINESE_INDEX[line[0]] * 2048 + bip39.CHINESE_INDEX[line[1]])
    return frozenset(pairs)


WORD_PAIRS = _load_word_pairs()


def _word_pair_texts() -> frozenset[str]:
    characters: dict[int, list[str]] = {}
    for char, index in bip39.CHINESE_INDEX.items():
        characters.setdefault(index, []).append(char)
    return frozenset(
        left + right
        for pair in WORD_PAIRS
        for left in characters[pair // 2048]
        for right in characters[pair % 2048]
    )


# The same pairs as two-character strings in either script, and every list character
# doubled, so that a whole run is looked up with map() in C rather than one Python call
# per neighbour.
WORD_PAIR_TEXTS = _word_pair_texts() | {char + char for char in bip39.CHINESE_INDEX}


def forms_word(left: str, right: str) -> bool:
    """True when two neighbouring characters make a common two-character word, or are the
    same character repeated."""
    first = bip39.CHINESE_INDEX.get(left)
    second = bip39.CHINESE_INDEX.get(right)
    if first is None or second is None:
        return False
    return first == second or first * 2048 + second in WORD_PAIRS


def word_pair_flags(chars: list[str]) -> Iterator[bool]:
    """`forms_word` of every two neighbouring characters, in order."""
    return map(WORD_PAIR_TEXTS.__contains__, map(operator.add, chars, chars[1:]))


def randomness(log_rank_sum: float, characters: int, word_pairs: int) -> float:
    """Score of a run from its summed log ranks and its count of word-forming neighbours."""
    if characters < 2:
        return 0.0
    return log_rank_sum / characters - WORD_PAIR_WEIGHT * word_pairs / (characters - 1)


# The dictionary is jieba's, in simplified characters: a traditional list character is
# read as the simplified one with the same index (the two lists share their indices).
_TO_SIMPLIFIED = str.maketrans(
    {
        char: bip39.WORD_LISTS["chinese_simplified"][index]
        for char, index in bip39.CHINESE_INDEX.items()
    }
)
# Dictionary words this long are prose evidence inside a window; shorter ones are left to
# the pair table, which keeps only common words (a random phrase holds a rare
# two-character dictionary word one time in a few).
_LONG_WORD = 3


def _load_domain_words() -> re.Pattern[str]:
    text = (resources.files("kefu.safety") / "data" / "chinese_domain_words.txt").read_text("utf-8")
    words = sorted(
        (line for line in text.splitlines() if line and not line.startswith("#")),
        key=len,
        reverse=True,
    )
    return re.compile("|".join(map(re.escape, words)))


DOMAIN_WORDS = _load_domain_words()


def links_in_context(span: str, start: int, end: int) -> tuple[int, int]:
    """Word links of span[start:end], a window of list characters: neighbours that form a
    common word or repeat (`word_pair_flags`) or stand inside one dictionary word of three
    or more characters or one word of the trade ("泰达币", "币安"); and how many of these
    words the window's edges cut. `span` holds the window and the characters glued to it
    on either side (a few are enough to see a word cut)."""
    links = {
        position for position, linked in enumerate(word_pair_flags(list(span[start:end]))) if linked
    }
    simplified = span.translate(_TO_SIMPLIFIED)
    words = {match.span() for match in DOMAIN_WORDS.finditer(simplified)}
    position = 0
    for word in rjieba.cut(simplified, False):
        first, last = position, position + len(word)
        position = last
        if len(word) >= 2:
            words.add((first, last))
    cut = 0
    for first, last in words:
        if first < start < last or first < end < last:
            cut += 1
        if last - first >= _LONG_WORD or DOMAIN_WORDS.fullmatch(simplified, first, last):
            links.update(range(max(first, start) - start, min(last, end) - start - 1))
    return len(links), cut


# Bits of evidence for a random phrase against prose, per character and per neighbour (see
# phrase_bits). A character of log rank r costs 11 bits in a random phrase and about
# r + 3 bits in prose (the lists are ordered by frequency, which falls about as 1/rank).
# About 40 % of neighbours in prose are word links, 0.65 % in a random phrase (27,000 of
# the 2048² pairs): a link is worth log2(0.4 / 0.0065) ≈ 6 bits for prose, a neighbour
# that makes no word log2(0.9935 / 0.6) ≈ 0.7 bits for the phrase. The full dictionary
# joins a phrase's edge character to the prose beside it a few times in a hundred, and
# cuts a word at about every other edge of a window shifted into prose: log2(0.5 / 0.04).
_PROSE_CHARACTER_BITS = 8.0
_LINK_BITS = 6.0
_NO_LINK_BITS = 0.7
_CUT_BITS = 3.6


def phrase_bits(log_rank_sum: float, characters: int, links: int, cut: int = 0) -> float:
    """How many more bits a run of list characters takes as prose than as a random
    phrase: positive when it looks like a phrase, larger the more characters say so. Used
    to choose between overlapping windows, which `randomness` alone cannot (it is a mean,
    blind to length)."""
    neighbours = characters - 1
    return (
        log_rank_sum
        - _PROSE_CHARACTER_BITS * characters
        + _NO_LINK_BITS * (neighbours - min(links, neighbours))
        - _LINK_BITS * links
        - _CUT_BITS * cut
    )


def looks_random(chars: list[str]) -> bool:
    """True when the word-list characters in `chars` read like a phrase, not a sentence."""
    known = [char for char in chars if char in LOG_RANK]
    pairs = sum(1 for left, right in itertools.pairwise(chars) if forms_word(left, right))
    return randomness(sum(LOG_RANK[c] for c in known), len(known), pairs) >= RANDOM_PHRASE_BAR
