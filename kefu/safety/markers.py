"""The text that takes a secret's place, in the language of the message it was in.

Markers are part of the stored message, not of the interface, so they are fixed strings
per language rather than translations chosen by the reader's locale: the agent and the
customer see the same text, and search finds it.
"""

from typing import Final

from kefu.core.language import LanguageId
from kefu.safety.findings import (
    EXTENDED_PRIVATE_KEY,
    KEYSTORE,
    ONE_TIME_CODE,
    PASSWORD,
    PRIVATE_KEY,
    RECOVERY_PHRASE,
    SOLANA_SECRET_KEY,
)

MARKERS: Final[dict[str, dict[LanguageId, str]]] = {
    RECOVERY_PHRASE: {
        "zh-Hans": "[助记词已移除]",
        "zh-Hant": "[助記詞已移除]",
        "en": "[recovery phrase removed]",
    },
    PRIVATE_KEY: {
        "zh-Hans": "[私钥已移除]",
        "zh-Hant": "[私鑰已移除]",
        "en": "[private key removed]",
    },
    EXTENDED_PRIVATE_KEY: {
        "zh-Hans": "[扩展私钥已移除]",
        "zh-Hant": "[擴展私鑰已移除]",
        "en": "[extended private key removed]",
    },
    KEYSTORE: {
        "zh-Hans": "[Keystore 文件已移除]",
        "zh-Hant": "[Keystore 檔案已移除]",
        "en": "[keystore file removed]",
    },
    SOLANA_SECRET_KEY: {
        "zh-Hans": "[私钥已移除]",
        "zh-Hant": "[私鑰已移除]",
        "en": "[private key removed]",
    },
    PASSWORD: {
        "zh-Hans": "[密码已移除]",
        "zh-Hant": "[密碼已移除]",
        "en": "[password removed]",
    },
    ONE_TIME_CODE: {
        "zh-Hans": "[验证码已移除]",
        "zh-Hant": "[驗證碼已移除]",
        "en": "[one-time code removed]",
    },
}


def marker(kind: str, language: LanguageId) -> str:
    """The marker that replaces a secret of `kind` in a message written in `language`."""
    return MARKERS[kind][language]
