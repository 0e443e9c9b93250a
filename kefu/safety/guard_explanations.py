"""Why the outbound guard stopped a reply, per reason id, in Kefu's three languages.

The English sentences are the source strings the lead passes through Django's i18n, so
each is a whole sentence that ends with a full stop and stands on its own.
"""

from typing import Final

from kefu.core.language import LanguageId, normalize_language

ASKS_RECOVERY_PHRASE: Final = "asks_recovery_phrase"
ASKS_PRIVATE_KEY: Final = "asks_private_key"
ASKS_PASSWORD: Final = "asks_password"
ASKS_OTP: Final = "asks_otp"
ASKS_REMOTE_ACCESS: Final = "asks_remote_access"
ASKS_TRANSFER_TO_SAFE_WALLET: Final = "asks_transfer_to_safe_wallet"
ASKS_WHITELIST_ADDRESS: Final = "asks_whitelist_address"
ASKS_UNLOCK_FEE: Final = "asks_unlock_fee"

REASONS: Final = (
    ASKS_RECOVERY_PHRASE,
    ASKS_PRIVATE_KEY,
    ASKS_PASSWORD,
    ASKS_OTP,
    ASKS_REMOTE_ACCESS,
    ASKS_TRANSFER_TO_SAFE_WALLET,
    ASKS_WHITELIST_ADDRESS,
    ASKS_UNLOCK_FEE,
)

EXPLANATIONS: Final[dict[str, dict[LanguageId, str]]] = {
    ASKS_RECOVERY_PHRASE: {
        "en": "Support never asks customers for their recovery phrase.",
        "zh-Hans": "客服绝不会向客户索要助记词。",
        "zh-Hant": "客服絕不會向客戶索取助記詞。",
    },
    ASKS_PRIVATE_KEY: {
        "en": "Support never asks customers for a private key or keystore file.",
        "zh-Hans": "客服绝不会向客户索要私钥或 Keystore 文件。",
        "zh-Hant": "客服絕不會向客戶索取私鑰或 Keystore 檔案。",
    },
    ASKS_PASSWORD: {
        "en": "Support never asks customers for their password.",
        "zh-Hans": "客服绝不会向客户索要密码。",
        "zh-Hant": "客服絕不會向客戶索取密碼。",
    },
    ASKS_OTP: {
        "en": "Support never asks customers for a verification or two-factor code.",
        "zh-Hans": "客服绝不会向客户索要验证码或双重验证码。",
        "zh-Hant": "客服絕不會向客戶索取驗證碼或雙重驗證碼。",
    },
    ASKS_REMOTE_ACCESS: {
        "en": "Support never asks customers to install remote-control software or share "
        "their screen.",
        "zh-Hans": "客服绝不会要求客户安装远程控制软件或共享屏幕。",
        "zh-Hant": "客服絕不會要求客戶安裝遠端控制軟體或分享螢幕。",
    },
    ASKS_TRANSFER_TO_SAFE_WALLET: {
        "en": "Support never asks customers to move funds to a 'safe wallet' or to an "
        "address given in a chat.",
        "zh-Hans": "客服绝不会要求客户把资金转到“安全钱包”或聊天中提供的地址。",
        "zh-Hant": "客服絕不會要求客戶把資金轉到「安全錢包」或聊天中提供的地址。",
    },
    ASKS_WHITELIST_ADDRESS: {
        "en": "Support never asks customers to add an address it supplies to their "
        "withdrawal whitelist.",
        "zh-Hans": "客服绝不会要求客户把客服提供的地址加入提币白名单。",
        "zh-Hant": "客服絕不會要求客戶把客服提供的地址加入提幣白名單。",
    },
    ASKS_UNLOCK_FEE: {
        "en": "Support never asks customers to pay a fee or deposit to unlock an account or "
        "release a withdrawal.",
        "zh-Hans": "客服绝不会要求客户支付解冻费、保证金或任何费用来解锁账户或放行提币。",
        "zh-Hant": "客服絕不會要求客戶支付解凍費、保證金或任何費用來解鎖帳戶或放行提幣。",
    },
}


def explain(reason: str, language: str = "en") -> str:
    """One sentence telling an agent why a reply with this reason id was not sent.

    `language` is one of Kefu's ids or a Django locale code; anything else gives English.
    """
    return EXPLANATIONS[reason][normalize_language(language, "")]
