"""Finding BIP39 recovery phrases in free text, in every word list `mnemonic` ships.

Two shapes are searched:

* words separated by spaces, commas, new lines or list numbers (every Latin, Cyrillic,
  Korean and Japanese list, and Chinese typed one character at a time);
* Chinese characters typed with no separator, or in small groups.

Separated words are easy: prose almost never strings twelve word-list words together
without a short word like "a", "to" or "my", which no list contains. Unseparated Chinese is
hard: every common character is in the 2,048-character list, so a Chinese sentence is a
long run of "words".

There, a window of standard length that passes the checksum is a phrase wherever it
stands (set apart by spaces, punctuation, Latin text or digits, glued to the sentence, at
either end of the message) unless its characters read as prose (`chinese_prose`): about
one window in sixteen of any prose passes the checksum by chance, so the checksum alone
would cut words out of a quarter of all Chinese messages (`bench/scan_classes.py`
measures it). Low variety is no excuse: a window whose entropy repeats a group of bytes
(the test vectors "的的的…在", "abandon … about") is a phrase however common its
characters. A window that fails the checksum (a typo, a missing character) is a phrase
only next to a context word ("助记词是…") and when it looks random.
"""

import itertools
import operator
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
_FOUR_SEPARATOR = r"[\s,，、.\d()（）:：;；|/\-#]+"
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
_LENGTHS = tuple(sorted(bip39.PHRASE_LENGTHS))


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    checksum: bool
    words: int
    # The word list, for separated words (Chinese characters typed together are judged
    # by the checksum of the shared Chinese indices alone).
    language: str = ""


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
        found: list[_Candidate] = []
        for language in _languages_with_enough_words(masks):
            bit = bip39.LANGUAGE_BIT[language]
            flags = "".join("w" if mask & bit else "x" for mask in masks)
            found.extend(_language_candidates(scan, language, words, spans, flags))
        yield from _without_guesses_over_checksums(found)


def _without_guesses_over_checksums(found: list[_Candidate]) -> Iterator[_Candidate]:
    """Drop a candidate that failed the checksum where it overlaps one that passed.

    The lists share words ("abandon" is English and French): twelve list words of one
    language in a row count as a phrase even without the checksum, and would stretch a
    valid phrase of another language over the word before it ("phrase abandon … about").
    Within one language a guess is never dropped: it may be the rest of a phrase with a
    typo, in which a shorter window passed by chance.
    """
    checked = [candidate for candidate in found if candidate.checksum]
    for candidate in found:
        if candidate.checksum or not any(
            other.language != candidate.language
            and other.start < candidate.end
            and candidate.start < other.end
            for other in checked
        ):
            yield candidate


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
        # closing words that punctuation sets apart ("phrase: …"). Not one word said
        # over and over ("help help help …"): only a checksum makes that a phrase.
        if not _typed_as_a_list(text, spans[first:last]) or _repetitive(words[first:last]):
            return None, False
        first, last = _trim_at_punctuation(text, words, spans, first, last)
        return (
            _Candidate(spans[first][0], spans[last - 1][1], False, last - first, language),
            False,
        )
    window_first, window_last, single = first + window[0], first + window[1], window[2]
    outside = words[first:window_first] + words[window_last:last]
    candidate = _Candidate(
        spans[window_first][0],
        spans[window_last - 1][1],
        True,
        window_last - window_first,
        language,
    )
    # Explained only by one window: two windows joined are a guess, and a neighbouring
    # unknown word may still be the phrase's typo, unless the window is too long to have
    # passed by chance inside a longer phrase ("box: <21 words>; please advise").
    return candidate, single and (
        all(_is_filler(word) for word in outside)
        or _chance_of_a_window(window_last - window_first, last - first + 1) < _CHANCE
    )


# Below this chance a passing window is not taken for an accident inside a longer phrase.
_CHANCE = 0.05


def _chance_of_a_window(length: int, words: int) -> float:
    """The expected number of windows of `length` or more words that pass the checksum by
    chance among `words` random words."""
    return sum(
        (words - size + 1) / 2 ** (size // 3) for size in bip39.PHRASE_LENGTHS if size >= length
    )


# A list number right before a word: "1. ", "2)", "#3 ", "(4)", "5、".
_NUMBER_BEFORE = re.compile(r"(?<!\d)[#(（]?\d{1,2}[.)）、:：\-]?\s*\Z")


def _numbered_extent(
    text: str, spans: list[tuple[int, int]], first: int, last: int
) -> tuple[int, int]:
    """In a numbered list, the words from the first numbered one to the last: a phrase
    with a typo guessed around "Backup sheet: 1. … 12. …  What now?" ends at word 12."""
    numbered = [
        position
        for position in range(first, last)
        if _NUMBER_BEFORE.search(text, max(0, spans[position][0] - 6), spans[position][0])
    ]
    if len(numbered) * 2 < last - first:
        return first, last
    return numbered[0], numbered[-1] + 1


def _repetitive(words: list[str]) -> bool:
    """True when fewer than half the words are different: twelve random list words repeat
    one of them about one time in thirty, never half of them."""
    return 2 * len({word.lower() for word in words}) < len(words)


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
    first, last = _numbered_extent(scan.text, spans, first, last)
    count = last - first
    if count > MAX_WORDS or _repetitive(words[first:last]):
        return None
    start, end = spans[first][0], spans[last - 1][1]
    if _has_context(scan, start, end) or (
        count in bip39.PHRASE_LENGTHS and bip39.near_word(language, words[typo])
    ):
        return _Candidate(start, end, False, count, language)
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
    # A test vector's words ("abandon … about") with a list word before them pass at one
    # more place one time in sixteen; the window whose entropy is a pattern is the phrase.
    patterned = [
        (first, last) for first, last in best if bip39.repeats_a_pattern(indices[first:last])
    ]
    if len(patterned) == 1:
        best = patterned
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
        starts: Sequence[int]
        if body.isalpha():  # Han characters only, no white space
            chars, starts = list(body), range(start, end)
        else:
            starts = [match.start() for match in _HAN_CHAR.finditer(text, start, end)]
            if len(starts) < MIN_WORDS:
                continue
            chars = [text[position] for position in starts]
        context = _has_context(scan, start, end)
        after_context = _after_context_word(scan, starts) if context else 0
        found = _checksum_phrases(starts, chars, after_context)
        if found:
            yield from found
        elif context:
            candidate = _phrase_after_context(starts, chars, after_context)
            if candidate is not None:
                yield candidate


@dataclass(frozen=True)
class _Window:
    """A window of a Han run that passes the checksum and does not read as prose."""

    offset: int
    end: int
    # Bits of evidence that the window is the phrase rather than prose (see
    # chinese_prose.phrase_bits): random characters add, common ones and word links take
    # away, so of two overlapping windows the one that holds the phrase weighs more.
    weight: float


def _checksum_phrases(
    starts: Sequence[int], chars: list[str], after_context: int
) -> list[_Candidate]:
    """Every window of standard length that passes the checksum and does not read as prose,
    one per group of overlapping windows. `after_context` is the index of the character
    after a context word and its lead-in ("助记词是"), 0 when there is none.

    A checksum-valid window is a phrase wherever it stands, unless its characters read as
    prose (chinese_prose): in a run of prose about one twelve-character window in sixteen
    passes the checksum by chance, so without that test every Chinese sentence would lose
    words. Low variety is not prose: entropy made of a repeated group of bytes (the test
    vectors "的的的…在", "壤对据人三谈…") is a phrase however common its characters.
    """
    count = len(chars)
    if count < MIN_WORDS:
        return []
    log_rank = list(accumulate(map(chinese_prose.LOG_RANK.get, chars, repeat(0.0)), initial=0.0))
    known: list[int] | None = None
    links: list[int] | None = None
    windows: list[_Window] = []
    # Text that repeats itself ("轴琴轴琴…" pasted many times) holds the same window at many
    # offsets: each is judged once.
    checksums: dict[str, bool] = {}
    contexts: dict[tuple[str, int], tuple[int, int]] = {}
    for length in _LENGTHS:
        if length > count:
            break
        # The mean log rank is an upper bound of the score (links only lower it): one pass
        # in C settles most prose, a second leaves the few windows that could pass.
        need = chinese_prose.RANDOM_PHRASE_BAR * length
        if max(map(operator.sub, itertools.islice(log_rank, length, None), log_rank)) < need:
            continue
        sums = map(operator.sub, itertools.islice(log_rank, length, None), log_rank)
        offsets = itertools.compress(itertools.count(), map(need.__le__, sums))
        if known is None or links is None:
            known = list(accumulate(map(bip39.CHINESE_INDEX.__contains__, chars), initial=0))
            links = list(accumulate(chinese_prose.word_pair_flags(chars), initial=0))
        factor = chinese_prose.WORD_PAIR_WEIGHT * length / (length - 1)
        for offset in offsets:
            end = offset + length
            if known[end] - known[offset] != length:
                continue
            log_rank_sum = log_rank[end] - log_rank[offset]
            if log_rank_sum - factor * (links[end - 1] - links[offset]) < need:
                continue
            window = "".join(chars[offset:end])
            passes = checksums.get(window)
            if passes is None:
                indices = list(map(bip39.CHINESE_INDEX.__getitem__, window))
                checksums[window] = passes = bip39.checksum_ok(indices)
            if not passes:
                continue
            span, left = _glued_span(starts, chars, offset, end)
            evidence = contexts.get((span, left))
            if evidence is None:
                evidence = chinese_prose.links_in_context(span, left, left + length)
                contexts[span, left] = evidence
            window_links, cut = evidence
            # A word cut by the edge counts as a link: the window was cut out of prose.
            score = chinese_prose.randomness(log_rank_sum, length, window_links + cut)
            if score < chinese_prose.RANDOM_PHRASE_BAR:
                continue
            apart = (offset in (0, after_context) or starts[offset] > starts[offset - 1] + 1) + (
                end == count or starts[end] > starts[end - 1] + 1
            )
            weight = (
                chinese_prose.phrase_bits(log_rank_sum, length, window_links, cut)
                + length // 3  # the checksum's bits: prose passes one time in 2**(length // 3)
                + _APART_BITS * apart
            )
            windows.append(_Window(offset, end, weight))
    windows.extend(_patterned_windows(chars))
    if not windows:
        return []
    return [
        _Candidate(
            starts[window.offset], starts[window.end - 1] + 1, True, window.end - window.offset
        )
        for window in _heaviest_of_each_group(windows)
    ]


# Customers set a phrase apart by white space or punctuation, or start it right after
# "助记词是", more often than not, and a window shifted into the sentence almost never
# ends where a gap is: each edge at a gap, at the run's end or after a context word is
# worth this many bits.
_APART_BITS = 4.0
# Characters on either side of a window that are enough to see a word cut by its edge.
_GLUED_CONTEXT = 3


def _glued_span(starts: Sequence[int], chars: list[str], offset: int, end: int) -> tuple[str, int]:
    """The window's characters with up to _GLUED_CONTEXT characters glued to each side
    (white space stops it), and where the window starts in it."""
    first = offset
    while first > max(0, offset - _GLUED_CONTEXT) and starts[first] == starts[first - 1] + 1:
        first -= 1
    last = end
    while last < min(len(chars), end + _GLUED_CONTEXT) and starts[last] == starts[last - 1] + 1:
        last += 1
    return "".join(chars[first:last]), offset - first


def _patterned_windows(chars: list[str]) -> Iterator[_Window]:
    """Windows whose entropy is one group of bytes repeated and whose checksum passes.

    The run's words are laid out as one number of 11 bits per character; a window's
    entropy repeats a group of g bits only if its bits agree with the bits g places
    further on, so the number XOR itself shifted by g is zero there. Smearing each set bit
    over the next bits finds the stretches of zeros long enough for a phrase in a dozen
    big-number operations, however long the run; only then is any window looked at.
    """
    index = bip39.CHINESE_INDEX
    count = len(chars)
    size = 11 * count
    if size < _SHORTEST_ENTROPY:
        return
    # A character outside the list stands for any bits: no window holding one is kept.
    value = int("".join(map(_ELEVEN_BITS.get, chars, repeat(_ELEVEN_ZEROS))), 2)
    seen: set[tuple[int, int]] = set()
    # A run of one character repeated ("的的的…") is patterned at every offset: each
    # distinct window is judged once.
    verdicts: dict[str, bool] = {}
    for group in _GROUPS:
        disagree = value ^ (value >> group)
        smeared = disagree
        for shift in _SMEAR[group]:
            smeared |= smeared >> shift
        # Bit i of `smeared` is clear when `disagree` is zero from bit i up over a phrase's
        # shortest entropy less the group; the top `group` bits of `disagree` compare
        # nothing, so only stretches below them count.
        if not ~smeared & ((1 << (size - _SHORTEST_ENTROPY + 1)) - 1):
            continue
        agree = format(disagree, f"0{size}b")
        for stretch in _ZEROS[group].finditer(agree):
            first, last = stretch.span()
            for length in bip39.PHRASE_LENGTHS:
                entropy = length * 11 - length // 3
                lowest = max(0, -(-(first - group) // 11))
                highest = min(count - length, (last - entropy) // 11)
                for offset in range(lowest, highest + 1):
                    end = offset + length
                    if (offset, end) in seen:
                        continue
                    seen.add((offset, end))
                    window = "".join(chars[offset:end])
                    verdict = verdicts.get(window)
                    if verdict is None:
                        indices = [index.get(char, -1) for char in window]
                        verdicts[window] = verdict = (
                            -1 not in indices
                            and bip39.repeats_a_pattern(indices)
                            and bip39.checksum_ok(indices)
                        )
                    if verdict:
                        yield _Window(offset, end, _PATTERN_WEIGHT + length)


_ELEVEN_BITS = {char: format(index, "011b") for char, index in bip39.CHINESE_INDEX.items()}
_ELEVEN_ZEROS = "0" * 11
# The entropy of a twelve-word phrase: no shorter window is a phrase.
_SHORTEST_ENTROPY = 128


def _smear_shifts(width: int) -> tuple[int, ...]:
    """Shifts that, OR-ed in turn, set a bit wherever one of the `width` bits from it up is set."""
    shifts = []
    covered = 1
    while covered < width:
        shift = min(covered, width - covered)
        shifts.append(shift)
        covered += shift
    return tuple(shifts)


# Groups of bits to compare, for groups of one to four bytes: bits that repeat every 8 or
# 16 places also repeat every 32, so two shifts cover all four sizes (repeats_a_pattern
# then tells which, if any, a window has).
_GROUPS = (24, 32)
assert bip39.PATTERN_BYTES == 4
_SMEAR = {group: _smear_shifts(_SHORTEST_ENTROPY - group) for group in _GROUPS}
_ZEROS = {group: re.compile(f"0{{{_SHORTEST_ENTROPY - group},}}") for group in _GROUPS}
# A patterned window outweighs any other: its entropy says it was made, not typed.
_PATTERN_WEIGHT = 1e6


def _heaviest_of_each_group(windows: list[_Window]) -> list[_Window]:
    """One window per group of overlapping ones: the heaviest.

    A phrase glued to a sentence shares characters with windows shifted by a few, which
    pass the checksum one time in sixteen and look random enough, as do the shorter
    windows inside a 24-character phrase. The shifted ones trade phrase characters for
    prose ones, the shorter ones have fewer random characters: both weigh less.
    """
    groups: list[list[_Window]] = []
    group_end = -1
    for window in sorted(windows, key=lambda window: window.offset):
        if not groups or window.offset >= group_end:
            groups.append([])
        groups[-1].append(window)
        group_end = max(group_end, window.end) if len(groups[-1]) > 1 else window.end
    return [max(group, key=lambda window: window.weight) for group in groups]


def _phrase_after_context(
    starts: Sequence[int], chars: list[str], after_context: int
) -> _Candidate | None:
    """The phrase after a context word when no window passes the checksum (a typo, or a
    missing character): what follows the word, if it is long enough and looks random.
    `starts` holds each character's offset in the text."""
    rest = chars[after_context:]
    if not MIN_WORDS <= len(rest) <= MAX_WORDS + 1:
        return None
    if sum(map(bip39.CHINESE_INDEX.__contains__, rest)) < len(rest) - 1:
        return None
    if not chinese_prose.looks_random(rest):
        return None
    return _Candidate(starts[after_context], starts[-1] + 1, False, len(rest))


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
