import pytest

from kefu.safety.links import (
    HOMOGLYPH,
    LOOKALIKE_EDIT_DISTANCE,
    OFFICIAL_NAME_IN_OTHER_DOMAIN,
    PUNYCODE,
    check_links,
    find_links,
)

OFFICIAL = ["kefu-exchange.com", "https://www.binance.com/", "okx.com"]

FLAGGED = [
    (
        "https://kefu-exchange.com.login-verify.io/login",
        OFFICIAL_NAME_IN_OTHER_DOMAIN,
        "kefu-exchange.com",
    ),
    ("binance.com-security.net", OFFICIAL_NAME_IN_OTHER_DOMAIN, "binance.com"),
    ("binance-support.com", OFFICIAL_NAME_IN_OTHER_DOMAIN, "binance.com"),
    ("https://support.binance.verify-account.io", OFFICIAL_NAME_IN_OTHER_DOMAIN, "binance.com"),
    ("kefu-exchange-help.net", OFFICIAL_NAME_IN_OTHER_DOMAIN, "kefu-exchange.com"),
    ("www.binnance.com", LOOKALIKE_EDIT_DISTANCE, "binance.com"),
    ("http://biance.com/login", LOOKALIKE_EDIT_DISTANCE, "binance.com"),
    ("bniance.com", LOOKALIKE_EDIT_DISTANCE, "binance.com"),
    ("binance.co", OFFICIAL_NAME_IN_OTHER_DOMAIN, "binance.com"),
    ("kefu-exchang.com", LOOKALIKE_EDIT_DISTANCE, "kefu-exchange.com"),
    ("kefuexchange.com", LOOKALIKE_EDIT_DISTANCE, "kefu-exchange.com"),
    ("0kx.com", LOOKALIKE_EDIT_DISTANCE, "okx.com"),
    ("okx.app", LOOKALIKE_EDIT_DISTANCE, "okx.com"),
    ("bіnance.com", HOMOGLYPH, "binance.com"),  # Cyrillic і
    ("https://xn--bnance-pvf.com/", HOMOGLYPH, "binance.com"),  # the same, in punycode
    ("kefu-exchаnge.com", HOMOGLYPH, "kefu-exchange.com"),  # Cyrillic а
    ("bïnance.com", PUNYCODE, "binance.com"),
    ("http://xn--80ak6aa92e.com", PUNYCODE, None),
]
FINE = [
    "https://kefu-exchange.com/support",
    "help.kefu-exchange.com/faq",
    "https://www.binance.com/en/support",
    "okx.com",
    "https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "https://bscscan.com/address/0x52908400098527886e0f7030069857d2e4169ee7",
    "https://tronscan.org/#/transaction/abc",
    "https://solscan.io/tx/5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
    "https://mempool.space/tx/15e10745f15593a899cef391191bdd3d7c12412cc4696b7bcb669d0feadc8521",
    "https://blockchair.com/bitcoin/address/bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    "https://blockstream.info/tx/15e1",
    "https://polygonscan.com/tx/0x1",
    "https://arbiscan.io/tx/0x1",
    "https://tonviewer.com/EQDtFpEwcFAEcRe5mLVh2N6C0x-_hJEM7W61_JLnSF74p4q2",
    "https://xrpscan.com/account/rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh",
    "google.com",
    "https://github.com/trezor/python-mnemonic",
    "t.me/kefu_support",
    "ok.ru",
    "okay.com",
    "box.com",
    "https://www.coingecko.com/en/coins/bitcoin",
]


@pytest.mark.parametrize(("link", "reason", "imitates"), FLAGGED)
def test_look_alikes_are_flagged(link: str, reason: str, imitates: str | None) -> None:
    (warning,) = check_links(f"请登录 {link} 验证账户", OFFICIAL)
    assert (warning.reason, warning.imitates) == (reason, imitates)
    assert "xn--" not in warning.host


@pytest.mark.parametrize("link", FINE)
def test_official_explorers_and_unrelated_sites_are_fine(link: str) -> None:
    assert check_links(f"see {link} please", OFFICIAL) == []


def test_links_are_found_with_and_without_scheme_inside_chinese() -> None:
    text = "请访问kefu-exchange.com查看，或者 https://www.binance.com/zh-CN/support 。邮件 a@b.com"
    links = find_links(text)
    assert [link.url for link in links] == [
        "kefu-exchange.com",
        "https://www.binance.com/zh-CN/support",
    ]
    assert text[links[0].start : links[0].end] == "kefu-exchange.com"


def test_file_names_and_abbreviations_are_not_links() -> None:
    assert find_links("see readme.txt, e.g. this, version 1.2.3, 12.5 USDT") == []


def test_punycode_is_decoded_for_display() -> None:
    (link,) = find_links("http://xn--bnance-pvf.com/login")
    assert link.host == "xn--bnance-pvf.com"
    assert link.display_host == "bіnance.com"
