"""Words around a candidate that tell a secret from data that merely looks like one.

A 64-digit hex string is a transaction hash unless the customer calls it a key; twelve
common words are prose unless the customer calls them a recovery phrase. These lists are
the customer's own vocabulary in zh-Hans, zh-Hant and English.
"""

import re

from kefu.safety.word_edges import with_ascii_word_edges

# How far from a candidate a context word may stand and still describe it. A customer
# writes "助记词是" or "my seed phrase:" right before the secret, or says it afterwards
# ("...这是我的助记词"); a whole 2 KB message is too far.
PHRASE_CONTEXT_BEFORE = 120
PHRASE_CONTEXT_AFTER = 60
KEY_CONTEXT_BEFORE = 48

PHRASE_CONTEXT = re.compile(
    with_ascii_word_edges(
        "|".join(
            [
                # zh-Hans
                r"助记词",
                r"助忆词",
                r"助計詞",
                r"恢复短语",
                r"恢复词",
                r"备份短语",
                r"备份词",
                r"备份助记",
                r"种子短语",
                r"种子词",
                r"密语",
                r"私钥",
                r"钱包短语",
                r"(?:12|15|18|21|24|十二|二十四)\s*个?\s*(?:单词|英文单词|词|字|汉字|中文字)",
                r"导入钱包",
                r"恢复钱包",
                # zh-Hant
                r"助記詞",
                r"恢復短語",
                r"恢復詞",
                r"備份短語",
                r"備份詞",
                r"備份",
                r"種子短語",
                r"種子詞",
                r"密語",
                r"私鑰",
                r"(?:12|15|18|21|24|十二|二十四)\s*個?\s*(?:單詞|英文單詞|詞|字|漢字|中文字)",
                r"導入錢包",
                r"恢復錢包",
                # English
                r"\bseed\b",
                r"\bseed\s*phrase",
                r"\bseed\s*words?",
                r"\bmnemonic",
                r"\brecovery\s*(?:phrase|words?|seed|key)",
                r"\bsecret\s*(?:recovery\s*)?(?:phrase|words?)",
                r"\bbackup\s*(?:phrase|words?|seed)",
                r"\bwallet\s*(?:phrase|words?)",
                r"\bpass\s*phrase",
                r"\b(?:12|15|18|21|24|twelve|twenty[\s-]four)[\s-]*words?\b",
                r"\bprivate\s*key",
                r"\bimport(?:ing)?\s+(?:my\s+|the\s+)?wallet",
                r"\brestore\s+(?:my\s+|the\s+)?wallet",
                r"\bBIP\s*-?39",
            ]
        )
    ),
    re.IGNORECASE,
)

# Lower-case fragments with which every PHRASE_CONTEXT match begins, except the word
# counts ("12 words", "24个单词"). Matching the whole expression at every position is slow
# (dozens of alternatives each time); finding these and matching only where one starts is
# not.
# fmt: off
PHRASE_CONTEXT_TRIGGERS = (
    "助记", "助忆", "助計", "助記", "恢复", "恢復", "备份", "備份", "种子", "種子",
    "密语", "密語", "私钥", "私鑰", "钱包短语", "导入", "導入",
    "seed", "mnemonic", "recovery", "secret", "backup", "wallet", "pass", "private",
    "import", "restore", "bip",
)
# fmt: on
# One expression for all triggers, searched in the lower-cased text. Every alternative
# starts with a plain character and the expression is case-sensitive, so the engine skips
# to the next possible first character in C; a "find" per trigger reads the text 28 times.
# No trigger is the start of another, so each position holds at most one.
_TRIGGER = re.compile("|".join(map(re.escape, PHRASE_CONTEXT_TRIGGERS)))
# A word count is context only next to a word for "word"; digits alone are everywhere
# (amounts, order numbers, hashes).
_WORD_COUNT_CONTEXT = re.compile(
    with_ascii_word_edges(
        r"(?:12|15|18|21|24|十二|二十四)\s*[个個]?\s*(?:英文)?(?:[单單][词詞]|[词詞]|字|[汉漢]字|中文字)"
        r"|\b(?:12|15|18|21|24|twelve|twenty[\s-]four)[\s-]*words?\b"
    ),
    re.IGNORECASE,
)


def _may_count_words(lowered: str) -> bool:
    # Every word count ends in one of these; four "in" tests are cheaper than any pass of
    # an expression, and rule out most messages.
    return "词" in lowered or "詞" in lowered or "字" in lowered or "word" in lowered


# A looser form of _WORD_COUNT_CONTEXT for the lower-cased text: every match of that one
# starts with a match of this one, which the engine searches far faster (each alternative
# starts with a plain character; no word edges, no IGNORECASE). Only when it finds
# something does the exact expression run.
_WORD_COUNT_GATE = re.compile(
    "|".join(
        rf"{count}[\s\-个個英文]*(?:[单單词詞字汉漢中]|word)"
        for count in ("12", "15", "18", "21", "24", "十二", "二十四", "twelve", r"twenty[\s\-]four")
    )
)


def phrase_context(text: str, lowered: str, start: int, end: int) -> list[re.Match[str]]:
    """PHRASE_CONTEXT matches that begin in text[start:end], in order.

    `lowered` is text.lower(), computed once by the caller for all its windows.
    """
    if len(lowered) != len(text):
        # A few characters change length in lower case ("İ"); positions would drift.
        return list(PHRASE_CONTEXT.finditer(text, start, end))
    found = []
    # Every position where a trigger starts, overlapping ones included ("passeed"): the
    # search resumes one character after the last trigger's start, not after its end.
    trigger = _TRIGGER.search(lowered, start, end)
    while trigger is not None:
        match = PHRASE_CONTEXT.match(text, trigger.start())
        if match is not None:
            found.append(match)
        trigger = _TRIGGER.search(lowered, trigger.start() + 1, end)
    if _may_count_words(lowered) and _WORD_COUNT_GATE.search(lowered, start, end) is not None:
        found.extend(_WORD_COUNT_CONTEXT.finditer(text, start, end))
        found.sort(key=lambda match: match.start())
    return found


# Words that make a 64-digit hex string (or a Solana-style 64-byte string) a key.
KEY_CONTEXT = re.compile(
    with_ascii_word_edges(
        "|".join(
            [
                r"私钥",
                r"私鑰",
                r"密钥",
                r"密鑰",
                r"秘钥",
                r"秘鑰",
                r"导出",
                r"導出",
                r"\bprivate[\s_-]*key",
                r"\bpriv[\s_-]*key",
                r"\bprivkey",
                r"\bsecret[\s_-]*key",
                r"\bsecretkey",
                r"\bexport(?:ed|ing)?\b",
                r"\bkey\s*[:：=]",
                r"\bpk\s*[:：=]",
                r"\bkey\s+is\b",
                r"\bkeypair",
                r"\bkey\s*pair",
            ]
        )
    ),
    re.IGNORECASE,
)

# Words that make the same string a transaction id; when they stand closer to the
# string than a key word does, the string stays ("私钥导出后转了一笔，交易哈希 0x…").
TRANSACTION_CONTEXT = re.compile(
    with_ascii_word_edges(
        "|".join(
            [
                r"交易哈希",
                r"交易哈希值",
                r"哈希",
                r"交易号",
                r"交易號",
                r"交易ID",
                r"交易id",
                r"转账记录",
                r"轉帳記錄",
                r"区块",
                r"區塊",
                r"\btx\s*(?:id|hash|sig(?:nature)?)?\b",
                r"\btxn\b",
                r"\btxid",
                r"\bhash\b",
                r"\btransaction\b",
                r"\bsignature\b",
                r"\bblock\b",
                r"\border\b",
            ]
        )
    ),
    re.IGNORECASE,
)
