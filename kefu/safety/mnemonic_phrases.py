"""Finding BIP39 recovery phrases in free text, in every word list `mnemonic` ships.

Two shapes are searched:

* words separated by spaces, commas, new lines or list numbers (every Latin, Cyrillic,
  Korean and Japanese list, and Chinese typed one character at a time);
* Chinese characters typed with no separator, or in small groups.

Separated words are easy: prose almost never strings twelve word-list words together
without a short word like "a", "to" or "my", which no list contains. Unseparated Chinese is
hard: every common character is in the 2,048-character list, so a Chinese sentence is a
long run of "words". There the phrase has to pass the checksum at an exact length, or sit
next to a context word, and in both cases look random (see `chinese_prose`).
"""

import itertools
import re
import string
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat

from kefu.safety import bip39, chinese_prose
from kefu.safety.context import PHRASE_CONTEXT_AFTER, PHRASE_CONTEXT_BEFORE, phrase_context
from kefu.safety.findings import RECOVERY_PHRASE, Finding

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CIRCLED_NUMBERS = "\u2460-\u24ff\u2776-\u2793"
# One word: a single Han character, or a run of letters of any other script (combining
# marks included, so decomposed accents and kana voicing marks stay inside the word; and
# U+FFFD, which one word of the package's own Russian list contains, see bip39).
_WORD = rf"[{_HAN}]|(?:[^\W\d_{_HAN}{_CIRCLED_NUMBERS}]|[\u0300-\u036f\u3099\u309a\ufffd])+"
# What may stand between two words of a phrase: separators, quotes, brackets and list
# numbers ("1. word", "2)word", "3-word", "(4) word", "⑤ word"), never a long number or
# the end of a sentence in Chinese. Not "_", "=" or "[": they join words in code and logs.
_SEPARATOR = (
    r"(?:[\s,，、;；:：|/・·.\"'“”‘’()（）【】#*\-–—]"
    rf"|[{_CIRCLED_NUMBERS}]|(?<!\d)\d{{1,2}}(?!\d))+"
)
# The separators of a typed list: white space, commas and list numbers. Twelve list words
# that fail the checksum count as a phrase only when nearly all their gaps are like this.
_LIST_GAP = re.compile(
    rf"[\s,，、;；]*(?:[(（]?(?:\d{{1,2}}|[{_CIRCLED_NUMBERS}])[.)）、:：\-]?)?[\s,，、;；]*"
)
_LIST_GAPS_AT_LEAST = 0.9
_WORD_PATTERN = re.compile(_WORD)
# Twelve or more words with a separator between every two: the only text worth looking at
# word by word. Letters of non-Han scripts and single Han characters are never mixed in
# one phrase, so each has its own expression; possessive repeats keep them linear.
_LETTERS = rf"(?:[^\W\d_{_HAN}{_CIRCLED_NUMBERS}]|[\u0300-\u036f\u3099\u309a\ufffd])++"
_POSSESSIVE_SEPARATOR = _SEPARATOR[:-1] + "++"
_SEPARATED_WORDS_RUN = re.compile(
    rf"(?<![^\W\d_{_HAN}])(?:{_LETTERS}{_POSSESSIVE_SEPARATOR}){{11,}}{_LETTERS}"
)
_SEPARATED_HAN_RUN = re.compile(rf"[{_HAN}](?:{_POSSESSIVE_SEPARATOR}[{_HAN}]){{11,}}")
# The cheap gates in front of them: letter runs of the word lists' scripts (no combining
# marks, which only decomposed text has; a plain class is many times faster than one
# built on \w), the separators a run of twelve needs at the least, and four Han
# characters standing apart.
_PLAIN_LETTERS = re.compile(
    "[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1100-\u11ff\u3040-\u30ff\uac00-\ud7af\ufffd]+"
)
_NOT_ASCII_LETTER = str.maketrans(
    {char: " " for char in map(chr, range(128)) if char not in string.ascii_letters}
)
# Four Han characters with separators between, written out rather than as a repeated
# group: the engine tries it at every Han character, and a flat expression fails faster.
_FOUR_SEPARATOR = r"[\s,，、.\d()（）:：;；|/\-]+"
_FOUR_SEPARATED_HAN = re.compile(f"[{_HAN}]{_FOUR_SEPARATOR}" * 3 + f"[{_HAN}]")
# Han characters, possibly in groups split by white space ("的一是 在不了 有和人"). One
# character class, so the engine runs it as a tight loop; the count of Han characters
# is checked afterwards.
_HAN_RUN = re.compile(rf"[{_HAN}][{_HAN}\s]{{11,}}")
# What every run of an unseparated phrase starts with, for gates that look for several
# detectors' clues at once.
HAN_RUN_START = rf"[{_HAN}][{_HAN}\s]{{11}}"
_HAN_CHAR = re.compile(rf"[{_HAN}]")
_LEAD_IN = re.compile(r"[是为為:：]|如下|分别是|分別是")

MIN_WORDS = 12
# A run of twelve separated words has eleven separators at the least; most messages have
# fewer of the common ones. One anchored pass with possessive repeats (so a failure is
# never retried from a later start) counts them in C, up to eleven.
_ELEVEN_SEPARATORS = re.compile(r"(?:[^ \n\t\u3000,，、.;]*+[ \n\t\u3000,，、.;]){11}")
# Twelve single characters and eleven separators: nothing shorter is a separated phrase.
SHORTEST_SEPARATED_PHRASE = 2 * MIN_WORDS - 1
MAX_WORDS = max(bip39.PHRASE_LENGTHS)


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    checksum: bool
    words: int


def find_recovery_phrases(text: str, lowered: str | None = None) -> list[Finding]:
    """Every recovery phrase in `text`, as findings over the original offsets.

    `lowered` is text.lower() when the caller has it already.
    """
    if len(text) < MIN_WORDS:
        return []
    scan = _Scan(text, lowered)
    candidates: list[_Candidate] = []
    # Each shape has a gate that settles most messages in one call, before any generator
    # or per-word work starts: too few separators for twelve words, no Han character.
    if may_hold_separated_phrase(text):
        candidates.extend(_separated_candidates(scan))
    if not text.isascii():
        candidates.extend(_chinese_candidates(scan))
    if not candidates:
        return []
    return [Finding(RECOVERY_PHRASE, c.start, c.end) for c in _merged(candidates)]


def may_hold_separated_phrase(text: str) -> bool:
    """False when `text` is too short, or has too few separators, for twelve separated
    words (one anchored expression, in C)."""
    return len(text) >= SHORTEST_SEPARATED_PHRASE and _ELEVEN_SEPARATORS.match(text) is not None


class _Scan:
    """The text under scan, its lower-case form and where its context words are (each
    worked out once, when first needed)."""

    def __init__(self, text: str, lowered: str | None = None) -> None:
        self.text = text
        self._lowered = lowered
        self._context: list[re.Match[str]] | None = None

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def context(self, start: int, end: int) -> list[re.Match[str]]:
        """Context words that begin in text[start:end]."""
        if self._context is None:
            self._context = phrase_context(self.text, self.lowered, 0, len(self.text))
        if not self._context:
            return self._context
        return [match for match in self._context if start <= match.start() < end]


def _has_context(scan: _Scan, start: int, end: int) -> bool:
    return bool(scan.context(start - PHRASE_CONTEXT_BEFORE, end + PHRASE_CONTEXT_AFTER))


# --- separated words ------------------------------------------------------------------


def _separated_candidates(scan: _Scan) -> Iterator[_Candidate]:
    """Phrases of separated words; the caller has checked that there are separators."""
    text = scan.text
    runs: list[re.Match[str]] = []
    if _may_hold_word_phrase(text, scan.lowered):
        runs.extend(_SEPARATED_WORDS_RUN.finditer(text))
    if not text.isascii() and _FOUR_SEPARATED_HAN.search(text):
        runs.extend(_SEPARATED_HAN_RUN.finditer(text))
    for run in runs:
        start, end = run.span()
        words = _WORD_PATTERN.findall(text, start, end)
        masks = bip39.lookup_masks(words)
        if sum(1 for mask in masks if mask) < MIN_WORDS - 1:
            continue  # the common case for prose: stop before computing any offsets
        spans = [match.span() for match in _WORD_PATTERN.finditer(text, start, end)]
        for language in _languages_with_enough_words(masks):
            bit = bip39.LANGUAGE_BIT[language]
            flags = "".join("w" if mask & bit else "x" for mask in masks)
            yield from _language_candidates(scan, language, words, spans, flags)


def _may_hold_word_phrase(text: str, lowered: str) -> bool:
    """False when no run of list words can be long enough, judged by plain letter runs.

    A phrase with one typo still has six list words in a row, and eleven in all; most
    prose has neither. Decomposed text skips the gate (its words split at the accents).
    """
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        return True
    if lowered.isascii():
        # The same words as _PLAIN_LETTERS finds (in ASCII text its letters are a-z), cut
        # by two C-level passes instead of an expression that stops at every letter.
        words = lowered.translate(_NOT_ASCII_LETTER).split()
    else:
        words = _PLAIN_LETTERS.findall(lowered)
    if len(words) < MIN_WORDS:
        return False
    flags = "".join(bip39.word_flags(words))
    return flags.count("w") >= MIN_WORDS - 1 and "wwwwww" in flags


def _language_candidates(
    scan: _Scan, language: str, words: list[str], spans: list[tuple[int, int]], flags: str
) -> Iterator[_Candidate]:
    text = scan.text
    pure = [match.span() for match in _PURE.finditer(flags)]
    # A stretch is "explained" when the checksum finds a phrase in it and every other word
    # of the stretch is a filler ("…, can you"): it then takes in no neighbouring typo.
    explained = [False] * len(pure)
    for position, (first, last) in enumerate(pure):
        if last - first < MIN_WORDS:
            continue
        found, explained[position] = _judge_pure(text, language, words, spans, first, last)
        if found is not None:
            yield found
    # A typo that joins two stretches explains more than the same typo tacked onto one
    # stretch's end, so the joins are judged first and win.
    joined: set[int] = set()
    for first, last, typo in sorted(
        _typo_ranges(language, pure, explained, words), key=lambda r: _is_edge(r)
    ):
        if typo in joined:
            continue
        with_typo = _judge_typo(scan, language, words, spans, first, last, typo)
        if with_typo is not None:
            if not _is_edge((first, last, typo)):
                joined.add(typo)
            yield with_typo


# The two Chinese lists share their indices and every character is indexed in both
# (bip39._build_index), so judging one of them judges both.
_SEPARATE_LANGUAGES = tuple(
    language for language in bip39.LANGUAGES if language not in bip39.CHINESE_LANGUAGES[1:]
)


def _languages_with_enough_words(masks: list[int]) -> Iterator[str]:
    union = 0
    for mask in masks:
        union |= mask
    for language in _SEPARATE_LANGUAGES:
        bit = bip39.LANGUAGE_BIT[language]
        if union & bit and sum(1 for mask in masks if mask & bit) >= MIN_WORDS - 1:
            yield language


_PURE = re.compile(r"w+")
# Punctuation that ends a lead-in ("phrase:") or starts what follows a phrase ("…, thanks").
_STRONG_BEFORE = re.compile(r"[:：]")
_STRONG_AFTER = re.compile(r"[,，.。!?！？]")
# A side this short next to a complete phrase is prose, not the rest of the phrase.
_SHORT_SIDE = 3

# Words that stand next to a phrase without being part of it. They cannot be the one
# mistyped word ("my seed phrase is …" must not join "is" to the phrase), and list words
# among them ("seed", "phrase", "word", "key") are trimmed off a phrase's start.
# fmt: off
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "is", "are", "was", "were", "be", "am", "my", "me", "i", "it", "its",
    "to", "of", "in", "on", "at", "by", "for", "and", "or", "but", "so", "as", "if", "no",
    "not", "do", "did", "does", "we", "you", "he", "she", "they", "our", "your", "his",
    "her", "their", "this", "that", "these", "those", "here", "there", "with", "from",
    "into", "onto", "have", "has", "had", "will", "would", "can", "could", "should",
    "please", "thanks", "thank", "hi", "hello", "dear", "sir", "help", "check",
))
# fmt: on
# fmt: off
_LEAD_IN_WORDS = frozenset((
    "seed", "phrase", "word", "words", "secret", "recovery", "mnemonic", "backup", "key",
    "private", "wallet", "code", "list", "my", "is", "are", "here", "this", "词", "詞", "是",
    "为", "為", "语", "語", "如", "下",
))
# fmt: on


def _typo_ranges(
    language: str, pure: list[tuple[int, int]], explained: list[bool], words: list[str]
) -> Iterator[tuple[int, int, int]]:
    """Word ranges [first, last) that hold one unknown word (the customer's typo): a
    stretch of list words with an unknown word at either end, or two stretches joined by
    one, with the unknown word's position."""
    for position, (first, last) in enumerate(pure):
        if last - first >= MIN_WORDS - 1 and not explained[position]:
            if first > 0 and _could_be_typo(language, words[first - 1]):
                yield first - 1, last, first - 1
            if last < len(words) and _could_be_typo(language, words[last]):
                yield first, last + 1, last
        if position + 1 == len(pure):
            continue
        next_first, next_last = pure[position + 1]
        if next_first != last + 1 or next_last - first < MIN_WORDS:
            continue
        if not _could_be_typo(language, words[last]):
            continue
        # "<phrase> urgent, please help": a complete phrase and a few list words after an
        # unknown word are not one phrase with a typo, unless the unknown word is plainly
        # a misspelt list word.
        short_after = explained[position] and next_last - next_first <= _SHORT_SIDE
        short_before = explained[position + 1] and last - first <= _SHORT_SIDE
        if (short_after or short_before) and not bip39.near_word(language, words[last]):
            continue
        yield first, next_last, last


def _is_edge(typo_range: tuple[int, int, int]) -> bool:
    first, last, typo = typo_range
    return typo in (first, last - 1)


def _could_be_typo(language: str, word: str) -> bool:
    if language in bip39.CHINESE_LANGUAGES:
        return len(word) == 1 and _HAN_CHAR.match(word) is not None
    if _HAN_CHAR.match(word):
        return False
    lowered = word.lower()
    return len(word) >= 3 and lowered not in _FUNCTION_WORDS and lowered not in _LEAD_IN_WORDS


def _judge_pure(
    text: str,
    language: str,
    words: list[str],
    spans: list[tuple[int, int]],
    first: int,
    last: int,
) -> tuple[_Candidate | None, bool]:
    """A stretch of twelve or more list words: where the phrase is, and whether the
    checksum accounts for all of it but fillers."""
    indices = [bip39.word_index(language, word) or 0 for word in words[first:last]]
    window = _checksum_span(text, indices, spans[first:last])
    if window is None:
        # Twelve or more list words in a row, typed as a list, are a phrase even when the
        # checksum fails (one word mistyped into another list word), less the lead-in and
        # closing words that punctuation sets apart ("phrase: …").
        if not _typed_as_a_list(text, spans[first:last]):
            return None, False
        first, last = _trim_at_punctuation(text, words, spans, first, last)
        return _Candidate(spans[first][0], spans[last - 1][1], False, last - first), False
    window_first, window_last, single = first + window[0], first + window[1], window[2]
    outside = words[first:window_first] + words[window_last:last]
    candidate = _Candidate(
        spans[window_first][0], spans[window_last - 1][1], True, window_last - window_first
    )
    # Explained only by one window: two windows joined are a guess, and a neighbouring
    # unknown word may still be the phrase's typo.
    return candidate, single and all(_is_filler(word) for word in outside)


def _typed_as_a_list(text: str, spans: list[tuple[int, int]]) -> bool:
    gaps = [text[left[1] : right[0]] for left, right in itertools.pairwise(spans)]
    clean = sum(1 for gap in gaps if _LIST_GAP.fullmatch(gap))
    return clean >= _LIST_GAPS_AT_LEAST * len(gaps)


def _judge_typo(
    scan: _Scan,
    language: str,
    words: list[str],
    spans: list[tuple[int, int]],
    first: int,
    last: int,
    typo: int,
) -> _Candidate | None:
    first, last = _trim_fillers(scan.text, words, spans, first, last, typo)
    count = last - first
    if count > MAX_WORDS:
        return None
    start, end = spans[first][0], spans[last - 1][1]
    if _has_context(scan, start, end):
        return _Candidate(start, end, False, count)
    if count in bip39.PHRASE_LENGTHS and bip39.near_word(language, words[typo]):
        return _Candidate(start, end, False, count)
    return None


def _trim_fillers(
    text: str, words: list[str], spans: list[tuple[int, int]], first: int, last: int, typo: int
) -> tuple[int, int]:
    """Shed lead-in and function words ("phrase:", ", can you help") around a phrase with a
    typo, down to the shortest standard length they allow.

    Without a checksum the real length is unknown, so a phrase word that happens to be a
    filler at the edge is kept whenever the standard lengths say it may belong, and among
    equally long choices the one with punctuation at its edges ("phrase: …", "…, can you")
    wins.
    """
    leading = 0
    while first + leading < typo and _is_filler(words[first + leading]):
        leading += 1
    trailing = 0
    while last - trailing - 1 > typo and _is_filler(words[last - trailing - 1]):
        trailing += 1
    shortest = last - first - leading - trailing
    target = min(
        (length for length in bip39.PHRASE_LENGTHS if shortest <= length <= last - first),
        default=last - first,
    )
    excess = last - first - target
    options = [
        (first + cut, last - (excess - cut))
        for cut in range(0, min(leading, excess) + 1)
        if excess - cut <= trailing
    ]
    if not options:
        return first, last
    return max(options, key=lambda option: _edge_score(text, spans, *option))


def _trim_at_punctuation(
    text: str, words: list[str], spans: list[tuple[int, int]], first: int, last: int
) -> tuple[int, int]:
    for position in range(first, last - 1):
        if not _is_filler(words[position]):
            break
        if _STRONG_BEFORE.search(text[spans[position][1] : spans[position + 1][0]]):
            first = position + 1
            break
    for position in range(last - 1, first, -1):
        if not _is_filler(words[position]):
            break
        if _STRONG_AFTER.search(text[spans[position - 1][1] : spans[position][0]]):
            last = position
            break
    return first, last


def _edge_score(text: str, spans: list[tuple[int, int]], first: int, last: int) -> int:
    """How clearly punctuation sets words [first, last) apart from their neighbours.

    The edges of the run itself earn nothing (a window that reaches back over "please
    help" to the start of the message is no likelier to be the phrase for it), but a Han
    character glued to the one before or after it loses a point: in a phrase typed one
    character at a time, "词" of "助记词 刀 颗 …" belongs to the word before.
    """
    # Punctuation that also separates the words inside says nothing about the edge: in
    # "please, help, pattern, rival, …" every gap has a comma.
    inside = {
        char
        for left, right in itertools.pairwise(spans[first:last])
        for char in text[left[1] : right[0]]
    }
    score = 0
    if first > 0:
        before = set(text[spans[first - 1][1] : spans[first][0]]) - inside
        score += any(_STRONG_BEFORE.match(char) for char in before)
    elif _glued(text, spans[0][0] - 1, spans[0][0]):
        score -= 1
    if last < len(spans):
        after = set(text[spans[last - 1][1] : spans[last][0]]) - inside
        score += any(_STRONG_AFTER.match(char) for char in after)
    elif _glued(text, spans[-1][1] - 1, spans[-1][1]):
        score -= 1
    return score


def _glued(text: str, left: int, right: int) -> bool:
    """True when text[left] and text[right] are both Han characters."""
    if left < 0 or right >= len(text):
        return False
    return _HAN_CHAR.match(text, left) is not None and _HAN_CHAR.match(text, right) is not None


def _checksum_span(
    text: str, indices: list[int], spans: list[tuple[int, int]]
) -> tuple[int, int, bool] | None:
    """Where the phrase is in a run of list words, judged by the checksum.

    Every standard-length window is tried and the longest passing ones kept (a 24-word
    phrase holds 12-word windows that pass by chance). Prose list words next to a phrase
    ("please", "can you help") make other windows pass too, one time in sixteen each;
    among those, windows set off by punctuation ("words: …", "…, can you") are preferred,
    and whatever is left is joined, so that the real phrase is never cut. The flag says
    whether a single window was left.
    """
    passing = [
        (offset, offset + length)
        for length in bip39.PHRASE_LENGTHS
        for offset in range(len(indices) - length + 1)
        if bip39.checksum_ok(indices[offset : offset + length])
    ]
    if not passing:
        return None
    longest = max(last - first for first, last in passing)
    windows = [(first, last) for first, last in passing if last - first == longest]
    scores = [_edge_score(text, spans, first, last) for first, last in windows]
    best = [window for window, score in zip(windows, scores, strict=True) if score == max(scores)]
    return min(first for first, _ in best), max(last for _, last in best), len(best) == 1


def _is_filler(word: str) -> bool:
    lowered = word.lower()
    return lowered in _FUNCTION_WORDS or lowered in _LEAD_IN_WORDS


# --- unseparated Chinese ---------------------------------------------------------------


def _chinese_candidates(scan: _Scan) -> Iterator[_Candidate]:
    text = scan.text
    for run in _HAN_RUN.finditer(text):
        body = run.group().rstrip()
        start, end = run.start(), run.start() + len(body)
        unbroken = body.isalpha()  # Han characters only, no white space
        count = len(body) if unbroken else len(body) - _count_white_space(body)
        if count < MIN_WORDS:
            continue
        if not _has_context(scan, start, end):
            # Without a context word only an exact phrase will do: a whole run of standard
            # length, every character in the list, checksum valid, rare characters. Most
            # prose runs fail on their length, before anything is built.
            if count in bip39.PHRASE_LENGTHS:
                chars = list(body) if unbroken else _HAN_CHAR.findall(body)
                if _is_random_phrase(chars, checksum=True):
                    yield _Candidate(start, end, True, count)
            continue
        starts: Sequence[int]
        if unbroken:
            chars, starts = list(body), range(start, end)
        else:
            starts = [match.start() for match in _HAN_CHAR.finditer(text, start, end)]
            chars = [text[position] for position in starts]
        candidate = _chinese_with_context(scan, starts, chars)
        if candidate is not None:
            yield candidate


def _count_white_space(run: str) -> int:
    return run.count(" ") + run.count("\n") + run.count("\u3000") + run.count("\t")


def _chinese_with_context(
    scan: _Scan, starts: Sequence[int], chars: list[str]
) -> _Candidate | None:
    """The phrase in a run of Han characters near a context word; `starts` holds each
    character's offset in the text."""
    # Prefix sums keep the window search linear in the run's length; accumulate and map
    # build them in C, in the same order of additions as a loop would.
    known = list(accumulate(map(bip39.CHINESE_INDEX.__contains__, chars), initial=0))
    log_rank = list(accumulate(map(chinese_prose.LOG_RANK.get, chars, repeat(0.0)), initial=0.0))
    # pairs[k + 1] counts the word-forming neighbours among chars[:k + 1].
    pairs = [0, *accumulate(chinese_prose.word_pair_flags(chars), initial=0)]
    # The best evidence is a window that passes the checksum. Only windows that start
    # right after the context word (or at the run's start) or end at the run's end are
    # tried: a customer's phrase is set off by something, and every extra window is one
    # more chance for prose to pass the checksum.
    after_context = _after_context_word(scan, starts)
    passing: list[tuple[int, int]] = []
    for length in bip39.PHRASE_LENGTHS:
        for offset in {after_context, len(chars) - length}:
            end = offset + length
            if offset < after_context or end > len(chars) or known[end] - known[offset] != length:
                continue
            score = chinese_prose.randomness(
                log_rank[end] - log_rank[offset], length, pairs[end] - pairs[offset + 1]
            )
            if score < chinese_prose.RANDOM_PHRASE_BAR:
                continue
            if bip39.checksum_ok([bip39.CHINESE_INDEX[char] for char in chars[offset:end]]):
                passing.append((offset, end))
    if (after_context, len(chars)) in passing:
        # The whole rest of the run is the phrase: nothing to trim on either side.
        offset, end = after_context, len(chars)
        return _Candidate(starts[offset], starts[end - 1] + 1, True, end - offset)
    if passing:
        offset, end = _tightest_window(passing, chars)
        return _Candidate(starts[offset], starts[end - 1] + 1, True, end - offset)
    # No window passes the checksum (a typo, or a missing character): take what follows
    # the context word, if it is long enough and looks random.
    rest = chars[after_context:]
    if MIN_WORDS <= len(rest) <= MAX_WORDS + 1 and _is_random_phrase(rest, checksum=False):
        return _Candidate(starts[after_context], starts[-1] + 1, False, len(rest))
    return None


def _tightest_window(passing: list[tuple[int, int]], chars: list[str]) -> tuple[int, int]:
    """The passing window that adds no prose to any other passing window.

    A 24-word phrase contains shorter windows that pass the checksum by chance, so the
    longest window is preferred; but a 12-character phrase followed by "帮我看看" also
    passes at 15 characters, or shifted by a few, one time in 16, and the characters such a
    window adds over the true phrase read as prose.
    """
    ranked = sorted(passing, key=lambda window: window[0] - window[1])
    for offset, end in ranked:
        adds_prose = any(
            (offset < other_offset and chinese_prose.reads_as_prose(chars, offset, other_offset))
            or (other_end < end and chinese_prose.reads_as_prose(chars, other_end, end))
            for other_offset, other_end in passing
            if (other_offset, other_end) != (offset, end)
        )
        if not adds_prose:
            return offset, end
    return ranked[-1]


def _after_context_word(scan: _Scan, starts: Sequence[int]) -> int:
    """Index of the first character after a context word and its lead-in inside the run."""
    first = 0
    for context in scan.context(starts[0], starts[-1] + 1):
        position = context.end()
        lead_in = _LEAD_IN.match(scan.text, position)
        if lead_in:
            position = lead_in.end()
        first = max(first, bisect_left(starts, position))
    return first


def _is_random_phrase(chars: list[str], *, checksum: bool) -> bool:
    index = bip39.CHINESE_INDEX
    known = sum(map(index.__contains__, chars))
    if known < len(chars) - (0 if checksum else 1):
        return False
    # The checksum is the cheaper test and fails fifteen times in sixteen: it goes first,
    # after only the cheapest bound of all.
    if checksum and (
        chinese_prose.too_common(chars)
        or not bip39.checksum_ok(list(map(index.__getitem__, chars)))
    ):
        return False
    return chinese_prose.looks_random(chars)


# --- overlapping candidates ----------------------------------------------


def _merged(candidates: list[_Candidate]) -> list[_Candidate]:
    """Merge candidates that overlap: each one passed its own test, and the union never
    leaves a piece of a phrase behind (a 12-word window inside a longer phrase with a typo
    can pass the checksum by chance)."""
    merged: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: c.start):
        if merged and candidate.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = _Candidate(
                last.start,
                max(last.end, candidate.end),
                last.checksum or candidate.checksum,
                max(last.words, candidate.words),
            )
        else:
            merged.append(candidate)
    return merged
