"""What the triage model sees of a message: words, Chinese character n-grams, English stems
and English character n-grams.

Traditional characters are folded to simplified first, so one set of weights serves both
scripts; jieba words carry meaning ("提现", "被盗") while character pairs and triples
survive the typos and unusual segmentations customers produce ("提币"/"提幣",
"登陆"/"登录") and keep short phrases a segmenter splits ("已完成", "没到账"). English
character 3- and 4-grams inside word boundaries do the same for typos and slang the
stemmer cannot map ("withdrawl", "withdraw"/"withdrawal", "cashout").
"""

import itertools
import re
from functools import cache

import opencc
import rjieba

from kefu.core.search.analysis import stem

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_LATIN_LETTERS = re.compile(r"[a-z]+")
# Shorter grams are shared by unrelated words; longer ones stop matching a typo.
_CHAR_GRAM_SIZES = (3, 4)
# Words that appear in every kind of English message and would only add noise.
_ENGLISH_STOPWORD_TEXT = """
a an the i me my we our you your it its is are was were be been am to of in on for and or
but so at by with this that there here have has had do does did just pls please hi hello
hey can could would will
"""
_ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORD_TEXT.split())


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Lower-case, traditional folded to simplified: the text rules and features read."""
    return _to_simplified().convert(text.lower())


def features(text: str) -> set[str]:
    """The distinct features of one message (presence, not counts: messages are short)."""
    folded = fold(text)
    found: set[str] = set()
    for run in _HAN_RUN.findall(folded):
        found.update("c:" + run[i : i + 2] for i in range(len(run) - 1))
        found.update("t:" + run[i : i + 3] for i in range(len(run) - 2))
        found.update("u:" + char for char in run)
    for word in rjieba.cut(folded):
        if _HAN_RUN.fullmatch(word) and len(word) > 1:
            found.add("w:" + word)
    stems = [
        stem(word.replace("'", ""))
        for word in _LATIN_WORD.findall(folded)
        if word not in _ENGLISH_STOPWORDS
    ]
    found.update("e:" + stem for stem in stems)
    found.update(f"b:{first}_{second}" for first, second in itertools.pairwise(stems))
    for word in _LATIN_LETTERS.findall(folded):
        marked = f"<{word}>"
        for size in _CHAR_GRAM_SIZES:
            found.update("g:" + marked[i : i + size] for i in range(len(marked) - size + 1))
    return found
