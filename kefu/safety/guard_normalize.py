"""The text as the outbound guard reads it: one lower-case view with the disguises undone.

A reply that asks for a secret keeps asking when its words are spaced out ("r e c o v e r
y", "助 . 记 . 词"), cut ("验 证码", "pass word"), salted with invisible characters,
written in full-width or look-alike letters ("ｓｅｅｄ", Cyrillic "раsswоrd"), in
leetspeak ("pr1vate k3y", "pa$$word") or in pinyin ("zhujici", "yan zheng ma"). The
customer reads the word either way, so the guard must too. `guard_view` undoes each
disguise in turn and the guard matches its lexicon (request, object and warning cues
alike) on the result, so "千万不要把 助 记 词 给任何人" is still a warning.

The rebuilding is guided by the guard's own vocabulary (`guard_vocabulary`): a piece of
text becomes a word only when it spells one of the guard's words, so amounts, addresses,
transaction hashes, links and "USDT-TRC20" keep their digits and their spaces.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache

from confusable_homoglyphs import categories, confusables

from kefu.safety.guard_vocabulary import (
    HAN_WORDS,
    LATIN_WORDS,
    LINKING_WORDS,
    PINYIN_INITIALS,
    PINYIN_INITIALS_BESIDE_HAN,
    PINYIN_WORDS,
    SHORTHANDS,
)

__all__ = ["fold_characters", "guard_view"]

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"

# --- characters --------------------------------------------------------------------------

# What needs more than NFKC and lower-casing: anything but ASCII, Chinese characters and
# the punctuation around them. Plain replies skip the per-character pass.
_UNUSUAL = re.compile(rf"[^\x00-\x7f{_HAN}\u3000-\u303f\uff01-\uff5e\u2010-\u2027\u2030-\u205e]")
# Unicode format characters (zero-width space and joiners, direction marks, soft hyphen,
# word joiner, BOM, tags), combining marks (tone marks, accents, the grapheme joiner) and
# variation selectors: none of them is seen, all of them cut a word for a regex.
_INVISIBLE_CATEGORIES = frozenset(("Cf", "Mn", "Me"))
# Letters that render as nothing (Hangul fillers, the braille blank, Khmer's invisible
# vowels) are letters to Unicode, so they are listed.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Scripts whose letters are never a disguise of a Latin letter in Kefu's languages.
_OWN_SCRIPTS = frozenset(("HAN", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "COMMON"))
_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL ([A-Z])")
# Where Unicode keeps the small capitals: IPA extensions, phonetic extensions, Latin
# extended-D.
_SMALL_CAPITAL_BLOCKS = (range(0x0250, 0x02B0), range(0x1D00, 0x1D80), range(0xA720, 0xA800))
_PARENTHESIZED = {0x249C + offset: chr(ord("a") + offset) for offset in range(26)}


def fold_characters(text: str) -> str:
    """NFKC, lower case, no invisible characters or marks, look-alike letters as Latin."""
    if _UNUSUAL.search(text) is None:
        folded = unicodedata.normalize("NFKC", text).lower()
        return folded.replace("\u2019", "'").replace("\u2018", "'")
    # NFKC writes "⒮" as "(s)", which would cut the word it hides in.
    folded = unicodedata.normalize("NFKC", text.translate(_PARENTHESIZED))
    decomposed = unicodedata.normalize("NFD", folded)
    visible = "".join(
        char
        for char in decomposed
        if unicodedata.category(char) not in _INVISIBLE_CATEGORIES and char not in _BLANK_LETTERS
    )
    # Look-alikes before lower-casing: Cyrillic "Т" looks like "T", its "т" like nothing.
    latin = unicodedata.normalize("NFC", visible).translate(_homoglyphs())
    return latin.lower().translate(_QUOTES)


@cache
def _homoglyphs() -> dict[int, str]:
    """Letters of other scripts that look like a Latin letter (Cyrillic "а", Greek "ο"),
    from the Unicode confusables data that `confusable-homoglyphs` ships, plus the small
    capitals ("ᴘᴀssᴡᴏʀᴅ") that data leaves out."""
    table: dict[int, str] = {}
    for char, homoglyphs in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        if categories.alias(char) in _OWN_SCRIPTS:
            continue
        latin = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii()]
        if latin and latin[0].isalpha():
            table[ord(char)] = latin[0]
    for block in _SMALL_CAPITAL_BLOCKS:
        for code in block:
            capital = _SMALL_CAPITAL.fullmatch(unicodedata.name(chr(code), ""))
            if capital:
                table[code] = capital.group(1).lower()
    return table


# --- Latin words -------------------------------------------------------------------------

# Leetspeak: what each digit or symbol stands for. "1", "!" and "|" stand for "i" or
# "l", so both letters share one canonical form and the vocabulary decides which it was.
_CANONICAL = str.maketrans("4@31!|l05$789", "aaeiiiiosstbg")
# A Latin "piece": letters, digits and the symbols leetspeak puts in words.
_PIECES = re.compile(r"([a-z0-9@$!|]+)")
# One character (a letter, digit or leet symbol) standing alone between separators, three
# or more times in a row: "r e c o v e r y", "p_a_s_s", "s.3.3.d".
_SEPARATORS = r"\s.\-_/\\*·•~+,:'\"()\[\]{}<>=#^`|!"
_SINGLES = re.compile(
    rf"(?<![a-z0-9@$])[a-z0-9@$](?:[{_SEPARATORS}]{{1,3}}[a-z0-9@$](?![a-z0-9@$])){{2,}}"
)
_SINGLE_CHARACTER = re.compile(r"[a-z0-9@$]")
# Between the pieces of a cut word: a space or two, one hyphen/dot/underscore/slash, or a
# line break.
_CUT = re.compile(r"[ \t]{1,2}|[._\-/·]|[ \t]*\n[ \t]*")
_LEET_MIN_LENGTH = 3  # "m3" stays a chip name
_LONGEST_CUT = 3  # "seed phr ase", "r eco very"


def _canonical(word: str) -> str:
    return word.translate(_CANONICAL)


def _by_canonical(words: Iterable[str]) -> dict[str, str]:
    return {_canonical(word): word for word in words}


_ALL_WORDS = LATIN_WORDS | LINKING_WORDS
_WORDS = _by_canonical(_ALL_WORDS)
_LEET_WORDS = _by_canonical(word for word in _ALL_WORDS if len(word) >= _LEET_MIN_LENGTH)
_JOINED_WORDS = _by_canonical(LATIN_WORDS)
# A piece that may be the start of a cut word: checked before anything is joined.
_JOIN_STARTS = frozenset(
    canonical[:end] for canonical in _JOINED_WORDS for end in range(1, len(canonical))
)
_LONGEST_WORD = max(len(word) for word in _ALL_WORDS)
# From here on the view is lower-case and "_" is a space, so an ASCII \b is the edge of
# a Latin word even beside Chinese ("把zhujici发我"), at the speed of a plain \b.
_SHORTHAND = re.compile(r"\b(?:" + "|".join(SHORTHANDS) + r")\b", re.ASCII)


def _rebuild_latin_words(text: str) -> str:
    if _SINGLES.search(text):
        text = _SINGLES.sub(_collapse_singles, text)
    # "send_me_your_seed": an underscore left between words is a space.
    text = _rejoin_pieces(text).replace("_", " ")
    if _SHORTHAND.search(text):
        text = _SHORTHAND.sub(lambda match: SHORTHANDS[match.group()], text)
    return text


def _collapse_singles(match: re.Match[str]) -> str:
    """Spaced letters as words: "r e c o v e r y  p h r a s e" -> "recovery phrase".

    The separator used most is the one inside words, any other one ends a word; an
    unbroken run is cut into the vocabulary's words when it can be ("s e n d m e" ->
    "send me")."""
    run = match.group()
    letters = _SINGLE_CHARACTER.findall(run)
    separators = _SINGLE_CHARACTER.split(run)[1:-1]
    inside = Counter(separators).most_common(1)[0][0]
    words = [letters[0]]
    for letter, separator in zip(letters[1:], separators, strict=True):
        if separator == inside:
            words[-1] += letter
        else:
            words.append(letter)
    return " ".join(_segment(word) or word for word in words)


def _segment(run: str) -> str | None:
    """The run as the vocabulary's words, when it is made of nothing else."""
    canonical = _canonical(run)
    if canonical in _WORDS:
        return _WORDS[canonical]
    reached: list[list[str] | None] = [None] * (len(canonical) + 1)
    reached[0] = []
    for start in range(len(canonical)):
        before = reached[start]
        if before is None:
            continue
        for end in range(start + 1, min(len(canonical), start + _LONGEST_WORD) + 1):
            word = _WORDS.get(canonical[start:end])
            if word is not None and reached[end] is None:
                reached[end] = [*before, word]
    words = reached[-1]
    return " ".join(words) if words else None


def _rejoin_pieces(text: str) -> str:
    """Put cut words back together ("pass word", "seed phr ase") and read leetspeak
    ("pr1vate", "pa$$word") as the vocabulary word it spells; nothing else changes."""
    # [between, piece, between, piece, ..., between]
    parts = _PIECES.split(text)
    changed = False
    index = 1
    while index < len(parts):
        span, word = _word_at(parts, index)
        if word is not None:
            parts[index] = word
            for later in range(index + 1, index + 2 * span - 1):
                parts[later] = ""
            changed = True
        index += 2 * span
    return "".join(parts) if changed else text


def _word_at(parts: list[str], index: int) -> tuple[int, str | None]:
    """How many pieces from `index` make one vocabulary word, and the word (or 1, None)."""
    piece = parts[index]
    canonical = _canonical(piece)
    if canonical in _JOIN_STARTS:
        joined = piece
        for span in range(2, _LONGEST_CUT + 1):
            last = index + 2 * (span - 1)
            if last >= len(parts) or _CUT.fullmatch(parts[last - 1]) is None:
                break
            joined += parts[last]
            word = _JOINED_WORDS.get(_canonical(joined))
            if word is not None and _spells(joined, word):
                return span, word
    if len(piece) >= _LEET_MIN_LENGTH and not piece.isalpha() and not piece.isdigit():
        word = _LEET_WORDS.get(canonical)
        if word is not None and word != piece and _spells(piece, word):
            return 1, word
    return 1, None


def _spells(written: str, word: str) -> bool:
    """Plain letters must be the word's own letters ("pln" is not "pin"); only digits and
    symbols stand for others."""
    return len(written) == len(word) and all(
        have == want or (not have.isalpha() and _canonical(have) == _canonical(want))
        for have, want in zip(written, word, strict=True)
    )


# --- pinyin ------------------------------------------------------------------------------


def _pinyin_source(syllables: tuple[str, ...]) -> str:
    return r"[1-5]?[\s\-_.']{0,2}".join(syllables) + "[1-5]?"


_PINYIN_BY_LETTERS = {"".join(syllables): han for han, syllables in PINYIN_WORDS.items()}
_PINYIN = re.compile(
    r"\b(?:"
    + "|".join(
        _pinyin_source(syllables)
        for syllables in sorted(PINYIN_WORDS.values(), key=len, reverse=True)
    )
    + "|"
    + "|".join(PINYIN_INITIALS)
    + r")\b",
    re.ASCII,
)
# Not in "mm/dd" or "7.9mm", even beside Chinese.
_PINYIN_BESIDE_HAN = re.compile(
    rf"(?<=[{_HAN}])\s?(?:{'|'.join(PINYIN_INITIALS_BESIDE_HAN)})(?![a-z0-9/.])"
    rf"|(?<![a-z0-9/.])(?:{'|'.join(PINYIN_INITIALS_BESIDE_HAN)})\s?(?=[{_HAN}])"
)
_NOT_LETTER = re.compile(r"[^a-z]")


def _fold_pinyin(text: str) -> str:
    text = _PINYIN.sub(_pinyin_word, text)
    return _PINYIN_BESIDE_HAN.sub(
        lambda match: PINYIN_INITIALS_BESIDE_HAN[match.group().strip()], text
    )


def _pinyin_word(match: re.Match[str]) -> str:
    letters = _NOT_LETTER.sub("", match.group())
    return PINYIN_INITIALS.get(letters) or _PINYIN_BY_LETTERS[letters]


# --- Chinese words -----------------------------------------------------------------------

_HAN_CHARACTER = re.compile(f"[{_HAN}]")
# Chinese is written without spaces, so a space between two characters carries nothing.
_HAN_SPACE = re.compile(rf"(?<=[{_HAN}])[ \t]+(?=[{_HAN}])")
# Separators that may stand between the characters of a word; not the sentence ends
# (。！？；), which the guard reads as the end of a request.
_HAN_SEPARATORS = r"\s.\-_/\\*·•~+,:'\"|、()\[\]"
_HAN_SINGLES = re.compile(
    rf"(?<![{_HAN}])[{_HAN}](?:[{_HAN_SEPARATORS}]{{1,3}}[{_HAN}](?![{_HAN}])){{2,}}"
)
_HAN_SEPARATOR = re.compile(f"[{_HAN_SEPARATORS}]+")
_HAN_GAP = re.compile(rf"([{_HAN}])[{_HAN_SEPARATORS}]{{1,3}}(?=([{_HAN}]))")
_HAN_BIGRAMS = frozenset(word[i : i + 2] for word in HAN_WORDS for i in range(len(word) - 1))


def _join_han_words(text: str) -> str:
    if _HAN_CHARACTER.search(text) is None:
        return text
    text = _HAN_SPACE.sub("", text)
    text = _HAN_SINGLES.sub(lambda match: _HAN_SEPARATOR.sub("", match.group()), text)
    return _HAN_GAP.sub(_join_if_word, text)


def _join_if_word(match: re.Match[str]) -> str:
    """Two characters of one of the guard's words are joined ("验.证码", "私/钥",
    "助\\n记词"); others stay apart (a line break between sentences stays)."""
    if match.group(1) + match.group(2) in _HAN_BIGRAMS:
        return match.group(1)
    return match.group()


# --- the view ----------------------------------------------------------------------------


def guard_view(text: str) -> str:
    """`text` as the guard reads it: characters folded, Latin words rebuilt, pinyin read
    as Chinese, Chinese words joined."""
    view = fold_characters(text)
    view = _rebuild_latin_words(view)
    view = _fold_pinyin(view)
    return _join_han_words(view)
