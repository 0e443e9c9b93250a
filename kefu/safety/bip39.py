"""The BIP39 word lists shipped by the `mnemonic` package, as look-up tables, and the checksum.

Everything here is built once at import: the scanner looks words up millions of times a
second and must never touch the files again.
"""

import hashlib
import unicodedata
from collections.abc import Iterator, Sequence
from importlib import resources
from itertools import repeat

PHRASE_LENGTHS = frozenset({12, 15, 18, 21, 24})
WORDS_PER_LIST = 2048


def _word_list_names() -> tuple[str, ...]:
    # Read from the package rather than hard-coded, so a `mnemonic` release that adds a
    # language is covered without a code change.
    folder = resources.files("mnemonic") / "wordlist"
    return tuple(
        sorted(entry.name[:-4] for entry in folder.iterdir() if entry.name.endswith(".txt"))
    )


# mnemonic 0.21 ships russian.txt with one word whose "в" (two UTF-8 bytes) was mangled
# into two replacement characters. Customers type the real word; wallets built on the
# package print the mangled one. Both spellings are indexed.
_REPAIRED_SPELLINGS = {"russian": {"сно\ufffd\ufffdа": "снова"}}


def _read_word_list(name: str) -> tuple[str, ...]:
    text = (resources.files("mnemonic") / "wordlist" / f"{name}.txt").read_text("utf-8")
    words = tuple(line.strip() for line in text.splitlines() if line.strip())
    if len(words) != WORDS_PER_LIST:
        raise RuntimeError(f"BIP39 word list {name} has {len(words)} words, not 2048")
    return words


def fold(word: str) -> str:
    """Compare words the way people type them: no accents, no case, composed or not.

    The BIP39 lists are built so that this folding never makes two words of one list equal
    (Spanish and French users routinely drop the accents, and the tests check it).
    """
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    # Turkish dotless ı: "KIRPIK" typed in capitals must find "kırpık".
    return bare.replace("ı", "i")


LANGUAGES: tuple[str, ...] = _word_list_names()
WORD_LISTS: dict[str, tuple[str, ...]] = {name: _read_word_list(name) for name in LANGUAGES}
LANGUAGE_BIT: dict[str, int] = {name: 1 << position for position, name in enumerate(LANGUAGES)}

# The two Chinese lists are the same 2,048 words in the two scripts, index for index, and
# each word is one character. They are ordered by frequency of use, so a character's index
# is also its frequency rank: ordinary prose is made of low ranks, a random phrase is not.
CHINESE_LANGUAGES = tuple(name for name in LANGUAGES if name.startswith("chinese"))
CHINESE_INDEX: dict[str, int] = {
    char: index for name in CHINESE_LANGUAGES for index, char in enumerate(WORD_LISTS[name])
}


def _build_index() -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Map every spelling people type (lower case, with and without accents) to its lists."""
    language_mask: dict[str, int] = {}
    word_index: dict[str, dict[str, int]] = {name: {} for name in LANGUAGES}
    for name in LANGUAGES:
        for index, word in enumerate(WORD_LISTS[name]):
            composed = unicodedata.normalize("NFC", word)
            spellings = {
                word.lower(),
                composed.lower(),
                # Typed in capitals and lower-cased by us: Turkish "KIRPIK" -> "kirpik".
                composed.upper().lower(),
                fold(word),
            }
            repaired = _REPAIRED_SPELLINGS.get(name, {}).get(word)
            if repaired:
                spellings |= {repaired, fold(repaired)}
            if name in CHINESE_LANGUAGES:
                # One list in two scripts with shared indices: a phrase that mixes the
                # scripts (typed partly with a traditional IME) is still one phrase.
                spellings = {word}
                for other in CHINESE_LANGUAGES:
                    language_mask[word] = language_mask.get(word, 0) | LANGUAGE_BIT[other]
                    word_index[other][word] = index
            for spelling in spellings:
                language_mask[spelling] = language_mask.get(spelling, 0) | LANGUAGE_BIT[name]
                word_index[name][spelling] = index
    return language_mask, word_index


# spelling -> bit mask of the lists holding it; spelling -> index, per list.
LANGUAGE_MASK, WORD_INDEX = _build_index()
_FLAG = dict.fromkeys(LANGUAGE_MASK, "w")
_SPELLINGS = frozenset(LANGUAGE_MASK)


def count_list_words(lowered_tokens: list[str]) -> int:
    """How many of the lower-case tokens are words of some list (C-level loop)."""
    return sum(map(_SPELLINGS.__contains__, lowered_tokens))


def word_flags(lowered_tokens: list[str]) -> Iterator[str]:
    """ "w" for each lower-case token that is a word of some list, "x" otherwise, at C speed."""
    return map(_FLAG.get, lowered_tokens, repeat("x"))


def lookup_masks(tokens: list[str]) -> list[int]:
    """Bit mask of the word lists that contain each token (0 when none does)."""
    get = LANGUAGE_MASK.get
    masks = [get(token.lower(), -1) for token in tokens]
    for position, mask in enumerate(masks):
        if mask == -1:
            token = tokens[position]
            # Decomposed accents (macOS, some IMEs) and Turkish capitals take the slow
            # path; an ASCII word that is not in the table is in no list.
            masks[position] = 0 if token.isascii() else get(fold(token), 0)
    return masks


def word_index(language: str, token: str) -> int | None:
    """Index of `token` in one list, or None."""
    table = WORD_INDEX[language]
    index = table.get(token.lower())
    if index is None:
        index = table.get(fold(token))
    return index


def checksum_ok(indices: Sequence[int]) -> bool:
    """True when the words' last bits are the BIP39 checksum of the rest."""
    split = _split(indices)
    if split is None:
        return False
    entropy, checksum, bits = split
    return hashlib.sha256(entropy).digest()[0] >> (8 - bits) == checksum


# The longest group of bytes whose repetition counts as patterned entropy: the BIP39
# reference vectors (00…, 7f…, 80…, ff…) repeat one byte, hand-made test entropy repeats
# a few ("0102…", "deadbeef…"). A character repeated in prose ("哈哈哈…") repeats eleven
# bits, which makes a group of eleven bytes: never counted.
PATTERN_BYTES = 4


def repeats_a_pattern(indices: Sequence[int]) -> bool:
    """True when the words encode entropy made of one group of up to PATTERN_BYTES bytes,
    repeated: the low-variety phrases of test vectors ("的的的…在", "abandon … about")."""
    split = _split(indices)
    if split is None:
        return False
    entropy = split[0]
    return any(
        entropy == (entropy[:size] * (len(entropy) // size + 1))[: len(entropy)]
        for size in range(1, PATTERN_BYTES + 1)
    )


def _split(indices: Sequence[int]) -> tuple[bytes, int, int] | None:
    """The entropy, the checksum and its width in bits encoded by a standard-length phrase."""
    count = len(indices)
    if count not in PHRASE_LENGTHS:
        return None
    value = 0
    for index in indices:
        value = (value << 11) | index
    checksum_bits = count // 3
    entropy_bits = count * 11 - checksum_bits
    entropy = (value >> checksum_bits).to_bytes(entropy_bits // 8, "big")
    return entropy, value & ((1 << checksum_bits) - 1), checksum_bits


def near_word(language: str, token: str) -> bool:
    """True when `token` looks like a mistyped word of the list: one edit away, or the
    same first four letters at about the same length (BIP39 words are unique in their
    first four letters). Used only for the rare candidate phrase with one unknown word,
    hence the plain loop."""
    typed = fold(token)
    if len(typed) < 3:
        return False
    for word in WORD_LISTS[language]:
        folded = fold(word)
        if abs(len(folded) - len(typed)) > 1:
            continue
        if len(typed) >= 4 and folded[:4] == typed[:4]:
            return True
        if _one_edit_apart(folded, typed):
            return True
    return False


def _one_edit_apart(left: str, right: str) -> bool:
    """Levenshtein distance of at most one, or one swap of neighbouring letters."""
    if left == right:
        return True
    if len(left) == len(right):
        differences = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        if len(differences) == 1:
            return True
        if len(differences) == 2 and differences[1] == differences[0] + 1:
            first, second = differences
            return left[first] == right[second] and left[second] == right[first]
        return False
    shorter, longer = (left, right) if len(left) < len(right) else (right, left)
    for position in range(len(longer)):
        if longer[:position] + longer[position + 1 :] == shorter:
            return True
    return False
