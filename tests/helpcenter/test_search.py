"""Search behaviour; the same tests run on SQLite FTS5 and on PostgreSQL."""

import pytest
from django.utils.translation import override

from kefu.core.search.queries import MAX_QUERY_LENGTH, QueryError
from kefu.helpcenter import actions
from kefu.helpcenter.models import Status
from kefu.helpcenter.search import indexing
from kefu.helpcenter.search.backends import edit_distance
from kefu.helpcenter.search.query import search
from tests.helpcenter.factories import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles() -> None:
    translation(
        "withdrawal-delayed",
        "zh-Hans",
        "提现一直没有到账",
        "提现处理中的请求通常在 48 小时内完成。请准备提现编号和交易哈希。",
    )
    translation(
        "withdrawal-delayed",
        "en",
        "My withdrawal has not arrived",
        "Pending withdrawals are processed within 48 hours. Keep the withdrawal ID ready.",
    )
    translation(
        "deposit-missing",
        "zh-Hant",
        "充值未到帳",
        "請確認網路（TRC20 或 ERC20）與 Memo 標籤是否正確。",
    )
    translation(
        "deposit-missing",
        "en",
        "Deposit not received",
        "Check the network (TRC20 or ERC20) and the memo or tag.",
    )
    translation(
        "reset-2fa",
        "en",
        "Reset Google Authenticator",
        "Lost your phone? Resetting two-factor authentication takes 1 to 3 days.",
    )
    translation(
        "seed-phrase",
        "zh-Hans",
        "助记词安全",
        "任何人向您索要助记词都是诈骗。",
    )


def slugs(query: str, language: str = "en") -> list[str]:
    return [result.slug for result in search(query, language)]


def test_chinese_is_segmented_into_words(articles: None) -> None:
    assert slugs("我的提现还没有到账", "zh-Hans")[0] == "withdrawal-delayed"


def test_synonyms_match_in_both_directions(articles: None) -> None:
    assert slugs("提币", "zh-Hans") == ["withdrawal-delayed"]
    assert slugs("入金", "zh-Hant") == ["deposit-missing"]
    assert slugs("充币", "en") == ["deposit-missing"]
    assert slugs("谷歌验证", "zh-Hans") == ["reset-2fa"]
    assert slugs("seed phrase", "en") == ["seed-phrase"]
    assert slugs("2FA", "en") == ["reset-2fa"]


def test_traditional_and_simplified_queries_find_each_other(articles: None) -> None:
    assert slugs("提現", "zh-Hant") == ["withdrawal-delayed"]
    assert slugs("网络", "zh-Hans") == ["deposit-missing"]


def test_english_words_are_stemmed(articles: None) -> None:
    assert slugs("withdrawing")[0] == "withdrawal-delayed"
    assert slugs("resets")[0] == "reset-2fa"


def test_mistyped_english_words_are_corrected(articles: None) -> None:
    assert slugs("withdrawl")[0] == "withdrawal-delayed"
    assert slugs("authenticatr")[0] == "reset-2fa"


def test_the_word_being_typed_matches_as_a_prefix(articles: None) -> None:
    assert slugs("lo")[0] == "reset-2fa"  # "lost"
    # A finished word (followed by a space) is not a prefix any more.
    assert slugs("lo ") == []


def test_results_come_in_the_readers_language_when_it_exists(articles: None) -> None:
    result = search("withdrawal", "zh-Hant")[0]
    assert (result.slug, result.language, result.title) == (
        "withdrawal-delayed",
        "zh-Hans",
        "提现一直没有到账",
    )
    assert search("withdrawal", "en")[0].language == "en"


def test_snippets_mark_the_matched_words(articles: None) -> None:
    result = search("withdrawal ID", "en")[0]
    assert "<mark>withdrawal</mark> <mark>ID</mark>" in result.snippet
    result = search("提幣", "zh-Hans")[0]
    assert "<mark>提现</mark>处理中" in result.snippet


def test_snippets_escape_the_article_text() -> None:
    translation(
        "html", "en", "Tags", "Never paste <script>alert(1)</script> into the address field."
    )
    snippet = search("address", "en")[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>address</mark>" in snippet


def test_drafts_are_not_found_and_publishing_indexes_them() -> None:
    draft = translation(
        "draft", "en", "Secret launch", "Nobody may read it yet.", status=Status.DRAFT
    )
    assert slugs("launch") == []
    actions.set_status(translation=draft, status=Status.PUBLISHED)
    assert slugs("launch") == ["draft"]
    actions.set_status(translation=draft, status=Status.DRAFT)
    assert slugs("launch") == []


def test_an_edit_replaces_the_indexed_text() -> None:
    first = translation("edited", "en", "Fees", "The maker fee is low.")
    translation("edited", "en", "Fees", "The taker fee is low.")
    assert first.pk is not None
    assert slugs("maker") == []
    assert slugs("taker") == ["edited"]


def test_rebuild_indexes_every_published_translation(articles: None) -> None:
    seen: list[int] = []
    # Six published; the zh-Hans ones drafted two zh-Hant versions, which stay out.
    assert indexing.rebuild(progress=seen.append) == 6
    assert sum(seen) == 8
    assert slugs("提币", "zh-Hans") == ["withdrawal-delayed"]


@pytest.mark.parametrize("query", ["", "   ", "？！…", "??"])
def test_an_empty_query_is_refused_with_a_clear_message(query: str) -> None:
    with override("en"), pytest.raises(QueryError, match="Type a few words"):
        search(query, "en")
    with override("zh-hant"), pytest.raises(QueryError, match="請輸入要搜尋的關鍵字"):
        search(query, "zh-Hant")


def test_a_huge_query_is_refused_with_a_clear_message() -> None:
    with (
        override("en"),
        pytest.raises(QueryError, match=f"at most {MAX_QUERY_LENGTH} characters"),
    ):
        search("提现 " * 100, "en")


def test_a_query_of_only_common_words_finds_nothing(articles: None) -> None:
    assert slugs("how do I") == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("withdraw", "withdraw", 0),
        ("withdrawl", "withdraw", 1),
        ("fee", "efe", 1),
        ("abc", "xyz", 2),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 1 if distance < 2 else 2) == distance or distance == 2


@pytest.mark.parametrize(
    "query",
    ['提现" OR "1', "fee' | '1", "fee:* & !x", "NEAR(提现 费)", "提現\\", '"*" fee', "withdraw-"],
)
def test_query_syntax_characters_are_only_text(articles: None, query: str) -> None:
    # No FTS5 or tsquery error: these are searched as words, whatever they contain.
    assert isinstance(search(query, "en"), list)
