"""Text → search terms, the same way for documents and queries on every backend.

Folding (traditional → simplified, NFKC, lower case) lets a zh-Hant query find a zh-Hans
article and back; jieba segmentation turns Chinese into words a full-text index can hold;
English words are stemmed; and every synonym group found in the text adds one shared
token, so 提币, 提现 and "withdrawal" all match each other in both directions.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import opencc
import rjieba
import snowballstemmer

SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms.txt"
# Words too common to help ranking; kept short on purpose, since an over-eager list
# makes short queries ("没到账") lose their meaning.
STOPWORDS = frozenset({
    "的", "了", "吗", "呢", "吧", "啊", "呀", "我", "我的", "你", "您", "是", "在", "有", "和",
    "与", "及", "或", "也", "就", "都", "请", "怎么", "怎么办", "如何", "为什么", "什么",
    "a", "an", "and", "are", "be", "can", "do", "does", "for", "how", "i", "in", "is", "it",
    "my", "of", "on", "or", "the", "to", "what", "why", "with", "you", "your",
})  # fmt: skip
_LATIN = re.compile(r"[a-z0-9]+")
_ALPHA = re.compile(r"[a-z]{3,64}")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w", re.UNICODE)
# OpenCC folds Taiwan's 帳 (帳號, 到帳) to 帐, the mainland writes 账: one character.
_VARIANTS = str.maketrans({"帐": "账"})


@dataclass(frozen=True)
class Synonyms:
    # CJK spellings matched as substrings, English ones as stemmed word sequences.
    cjk: dict[str, int]
    latin: dict[tuple[str, ...], int]
    cjk_pattern: re.Pattern[str] | None


def group_token(group: int) -> str:
    return f"syn{group}x"


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_per_thread = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    # A Snowball stemmer keeps the word it is stemming on itself: threads that stem side
    # by side (the chat's database threads) each need their own.
    stemmer: snowballstemmer.stemmer | None = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@cache
def _jieba() -> rjieba.Jieba:
    jieba = rjieba.Jieba()
    # Domain words the general dictionary splits (助记词 → 助记/词), so a document and a
    # query cut the same way.
    for word in synonyms().cjk:
        jieba.add_word(word, None, None)
    return jieba


def fold(text: str) -> str:
    """One script, one case, one width."""
    return fold_script(unicodedata.normalize("NFKC", text).lower())


def fold_script(text: str) -> str:
    """Traditional → simplified, keeping the length for almost every text."""
    if not _HAN.search(text):
        return text
    folded: str = _t2s().convert(text)
    return folded.translate(_VARIANTS)


# The pure-Python Snowball stemmer costs ~0.1 ms a word; a help center's vocabulary is a
# few tens of thousands of words, so each is stemmed once per process.
@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    result: str = _stemmer().stemWord(word)
    return result


@cache
def synonyms() -> Synonyms:
    cjk: dict[str, int] = {}
    latin: dict[tuple[str, ...], int] = {}
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    groups = [line for line in lines if line.strip() and not line.startswith("#")]
    for group, line in enumerate(groups):
        for spelling in (part.strip() for part in line.split(",")):
            folded = fold(spelling)
            if _HAN.search(folded):
                cjk[folded] = group
            else:
                latin[tuple(stem(word) for word in _LATIN.findall(folded))] = group
    alternatives = "|".join(re.escape(word) for word in sorted(cjk, key=len, reverse=True))
    return Synonyms(cjk, latin, re.compile(alternatives) if alternatives else None)


# PostgreSQL refuses a lexeme over 2047 bytes ("word is too long") and with it the whole
# document; nobody searches for such a run (a pasted base64 blob, a log line without a
# space), so it is left out of the terms on every backend alike.
MAX_TERM_BYTES = 2047


def _words(folded: str) -> list[str]:
    words = []
    for token in _jieba().cut_for_search(folded):
        if not _WORD.search(token):
            continue
        if _HAN.search(token):
            # Only word characters reach a query: a quote or operator inside a Chinese
            # token must never be read by FTS5 or tsquery.
            words.append("".join(_WORD.findall(token)))
        else:
            words.extend(_LATIN.findall(token))
    return [word for word in words if len(word.encode()) <= MAX_TERM_BYTES]


@dataclass(frozen=True)
class Analyzed:
    terms: list[str]  # what goes into the index, in text order, then the group tokens
    groups: frozenset[int]  # synonym groups present
    words: tuple[str, ...]  # English words as written (folded), for typo correction
    # What a query asks for: each concept is one or more alternative terms. A synonym
    # group is one concept (its token stands for every spelling), and so is each word
    # outside any group; 提币没到账 → (syn提现), (syn到账).
    concepts: tuple[tuple[str, ...], ...]


def analyze(text: str) -> Analyzed:
    folded = fold(text)
    synonym_table = synonyms()
    terms: list[str] = []
    latin_run: list[str] = []
    latin_words: list[str] = []
    groups: set[int] = set()
    covered: set[str] = set()  # terms a group token stands for
    for word in _words(folded):
        if _HAN.search(word):
            if word not in STOPWORDS:
                terms.append(word)
            continue
        stemmed = stem(word)
        latin_run.append(stemmed)
        if word not in STOPWORDS:
            terms.append(stemmed)
            latin_words.append(word)
    for size in (1, 2, 3):
        for start in range(len(latin_run) - size + 1):
            phrase = tuple(latin_run[start : start + size])
            group = synonym_table.latin.get(phrase)
            if group is not None:
                groups.add(group)
                covered.update(phrase)
    if synonym_table.cjk_pattern is not None:
        spellings = set(synonym_table.cjk_pattern.findall(folded))
        groups.update(synonym_table.cjk[spelling] for spelling in spellings)
        # jieba may cut 没到账 as 没到 + 到账: every piece of a matched spelling is covered.
        covered.update(
            term
            for term in terms
            if _HAN.search(term) and any(term in s or s in term for s in spellings)
        )
    tokens = [group_token(group) for group in sorted(groups)]
    concepts = [(token,) for token in tokens]
    concepts += [(term,) for term in dict.fromkeys(terms) if term not in covered]
    return Analyzed(
        terms=terms + tokens,
        groups=frozenset(groups),
        words=tuple(latin_words),
        concepts=tuple(concepts),
    )


def is_vocabulary_word(word: str) -> bool:
    """English words typo correction knows: letters only, 3 to 64 of them."""
    return _ALPHA.fullmatch(word) is not None
