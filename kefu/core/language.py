"""Which of Kefu's three languages a message is written in.

This runs on every inbound message and every marker choice, so it is a couple of C-level
regular-expression passes and set look-ups, never a statistical model.
"""

import re
from typing import Literal

from hanzidentifier import helpers as hanzi_tables

LanguageId = Literal["zh-Hans", "zh-Hant", "en"]

# CJK Unified Ideographs, Extension A and the compatibility block: what customers type.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")

# A Han character carries about as much as a short English word, so a message counts as
# Chinese once its Han characters would outweigh its Latin letters at one to four.
# "USDT没到账" and "我的 TRC20 地址填错了" are Chinese; "Hi, I am 王伟, my withdrawal is
# stuck" is English.
_LETTERS_PER_HAN = 4
# A long Chinese passage quoted inside English is still a Chinese message.
_ALWAYS_CHINESE_AT = 20

# Characters that exist in only one of the two scripts. Characters shared by both (most
# of them) say nothing, so the decision rests on the ones that differ.
_TRADITIONAL_ONLY: frozenset[str] = frozenset(
    hanzi_tables.TRADITIONAL_CHARACTERS - hanzi_tables.SIMPLIFIED_CHARACTERS
)
_SIMPLIFIED_ONLY: frozenset[str] = frozenset(
    hanzi_tables.SIMPLIFIED_CHARACTERS - hanzi_tables.TRADITIONAL_CHARACTERS
)


def detect_language(text: str) -> LanguageId:
    """Return "zh-Hans", "zh-Hant" or "en" for a customer or agent message."""
    han = _HAN.findall(text)
    if not han:
        return "en"
    if len(han) < _ALWAYS_CHINESE_AT:
        latin = len(_LATIN_LETTER.findall(text))
        if len(han) * _LETTERS_PER_HAN < latin:
            return "en"
    return chinese_script(han)


def chinese_script(han: list[str]) -> Literal["zh-Hans", "zh-Hant"]:
    """Pick the script of Chinese characters; simplified wins a tie (most customers use it)."""
    traditional = sum(1 for char in han if char in _TRADITIONAL_ONLY)
    if not traditional:
        return "zh-Hans"
    simplified = sum(1 for char in han if char in _SIMPLIFIED_ONLY)
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def normalize_language(language: str | None, text: str) -> LanguageId:
    """Map a stored or Django-style language code to one of ours, detecting it when unknown."""
    if not language:
        return detect_language(text)
    code = language.strip().lower().replace("_", "-")
    if code.startswith("zh"):
        if "hant" in code or code in {"zh-tw", "zh-hk", "zh-mo"}:
            return "zh-Hant"
        return "zh-Hans"
    if code.startswith("en"):
        return "en"
    return detect_language(text)
