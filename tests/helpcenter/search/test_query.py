"""Ranking by where an article has the query's words; the same on SQLite and PostgreSQL."""

import pytest

from kefu.helpcenter.search.query import search
from tests.helpcenter.factories import translation

pytestmark = pytest.mark.django_db

BOX = """## What support will never ask for

- Support will never ask for your recovery phrase or private key.
- Unlocking an account is free."""


def slugs(query: str, language: str = "en") -> list[str]:
    return [result.slug for result in search(query, language)]


def test_an_articles_own_words_outrank_a_box_many_articles_share() -> None:
    for slug in ("deposits", "trading", "identity", "fees"):
        translation(slug, "en", slug.capitalize(), f"About {slug}.\n\n{BOX}")
    # Longer than the others and naming the phrase once, as each of them does: full-text
    # ranking alone would put it last.
    translation(
        "wallet-backup",
        "en",
        "Backing up a wallet",
        "A self-custody wallet needs a backup before it holds funds.\n\n"
        "## Steps\n\nOpen the wallet settings and choose backup. Write the recovery phrase on "
        "paper, in order, and keep the paper somewhere dry and private at home.",
    )
    assert slugs("recovery phrase")[0] == "wallet-backup"
    assert slugs("seed phrase")[0] == "wallet-backup"  # a synonym weighs the same
    assert len(slugs("recovery phrase")) == 5  # the box still matches, below


def test_chinese_boilerplate_weighs_less_too() -> None:
    box = "## 客服绝不会向您索要\n\n- 客服绝不会向您索要助记词、私钥或密码。\n- 解冻账户是免费的。"
    for slug, subject in (("a", "充值"), ("b", "交易"), ("c", "手续费")):
        translation(slug, "zh-Hans", subject, f"{subject}说明。\n\n{box}")
    translation(
        "backup",
        "zh-Hant",
        "錢包備份",
        "自託管錢包在存入資產之前需要備份。\n\n## 步驟\n\n"
        "打開錢包設定，選擇備份，把助記詞按順序抄在紙上，放在家中乾燥、隱蔽的地方。",
    )
    assert slugs("助记词", "zh-Hans")[0] == "backup"
    assert slugs("助記詞", "zh-Hant")[0] == "backup"


def test_a_word_in_a_heading_outranks_the_same_word_in_the_body() -> None:
    translation("short", "en", "Deposits", "## Steps\n\nAdd the memo.")
    translation(
        "tagged",
        "en",
        "Deposits to exchanges",
        "Exchanges share one address between many customers and tell them apart by a code.\n\n"
        "## The memo\n\nSome networks need it on every transfer to an exchange address.",
    )
    assert slugs("memo") == ["tagged", "short"]


def test_a_finished_phrase_is_not_searched_as_its_last_word() -> None:
    translation("backup", "en", "Two-factor backup", "Write the backup key on paper.")
    translation("keys", "en", "Wallet keys", "Never share a private key with anyone.")
    # "key", the last word, is not a prefix on its own: it completes "private key".
    assert slugs("private key") == ["keys"]
    assert set(slugs("key")) == {"backup", "keys"}


def test_equal_coverage_is_settled_by_how_often_the_article_says_it() -> None:
    # Same places, same titles' share: the backends would order these differently (bm25
    # against an unordered body step); how often each says "memo" for its length decides.
    translation("once", "en", "Deposits", "## Steps\n\nAdd the memo. Wait for the network.")
    translation("often", "en", "Withdrawals", "## Steps\n\nThe memo, the memo tag, the memo.")
    assert slugs("memo") == ["often", "once"]


def test_a_dispute_is_found_in_any_of_its_words() -> None:
    translation("trade-dispute", "zh-Hans", "交易争议如何处理", "提交争议时请附上成交记录。")
    assert slugs("订单纠纷", "zh-Hans")[0] == "trade-dispute"
    assert slugs("交易糾紛", "zh-Hant")[0] == "trade-dispute"
    assert slugs("dispute", "en")[0] == "trade-dispute"
