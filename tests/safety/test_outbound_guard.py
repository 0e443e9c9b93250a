"""The outbound guard over guard_corpus.jsonl: requests blocked, warnings and help passed.

Every case has a class: "plain" requests and advice, each way of disguising a request
("spaced", "punctuated", "invisible", "fullwidth", "homoglyph", "pinyin", "leet",
"split", "mixed"), requests that name no keyword ("paraphrase"), and instructions to
restore a wallet in the customer's own app ("restore"). Each class holds requests that
must be blocked for the right reason and honest replies that must pass, in zh-Hans,
zh-Hant and English.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from kefu.safety.guard_explanations import EXPLANATIONS, REASONS, explain
from kefu.safety.outbound_guard import GuardVerdict, check_outbound

CORPUS = [
    json.loads(line)
    for line in (Path(__file__).parent / "guard_corpus.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
DISGUISES = ("spaced", "punctuated", "invisible", "fullwidth", "homoglyph", "pinyin", "leet",
             "split", "mixed")  # fmt: skip
CLASSES = ("plain", *DISGUISES, "paraphrase", "restore")


def test_the_corpus_covers_every_reason_and_language() -> None:
    assert len(CORPUS) >= 800
    assert {reason for case in CORPUS for reason in case["reasons"]} == set(REASONS)
    for language in LANGUAGES:
        cases = [case for case in CORPUS if case["lang"] == language]
        assert any(case["blocked"] for case in cases)
        assert any(not case["blocked"] for case in cases)


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_has_requests_and_honest_replies_in_every_language(name: str) -> None:
    cases = [case for case in CORPUS if case["class"] == name]
    assert len(cases) >= 30
    for language in LANGUAGES:
        assert any(case["blocked"] for case in cases if case["lang"] == language)
        assert any(not case["blocked"] for case in cases if case["lang"] == language)


@pytest.mark.parametrize("name", DISGUISES)
def test_every_disguise_hides_requests_of_most_kinds(name: str) -> None:
    reasons = {reason for case in CORPUS if case["class"] == name for reason in case["reasons"]}
    assert len(reasons) >= 6, reasons


def test_every_case_has_a_known_class() -> None:
    assert {case["class"] for case in CORPUS} == set(CLASSES)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: f"{case['class']}: {case['text'][:60]}")
def test_corpus(case: dict[str, Any]) -> None:
    verdict = check_outbound(case["text"])
    assert verdict.blocked is case["blocked"]
    assert sorted(verdict.reasons) == case["reasons"]


@pytest.mark.parametrize(
    "text",
    [
        "千万不要把 助 记 词 给任何人",
        "Never share your s e e d phrase",
        "客服绝不会索要您的私钥",
        "In the app, tap Restore and type your own 12 words there; never send them to "
        "anyone, including us.",
        "We will send a verification code to your email; enter it on the login page.",
    ],
)
def test_honest_advice_that_names_or_spaces_the_words_passes(text: str) -> None:
    assert check_outbound(text) == GuardVerdict(False, ())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("请把 助 . 记 . 词 发给我", "asks_recovery_phrase"),
        ("Send me your r e c o v e r y  p h r a s e", "asks_recovery_phrase"),
        ("please send me your pr1vate k3y", "asks_private_key"),
        ("send me your pa$$word", "asks_password"),
        ("请把验 证码发给我", "asks_otp"),
        ("Please install any\u200bdesk", "asks_remote_access"),
        ("请把 zhujici 发给我", "asks_recovery_phrase"),
        ("Tell me the words you wrote down when you created the wallet.", "asks_recovery_phrase"),
        ("拍一下你创建钱包时抄下来的那张纸", "asks_recovery_phrase"),
        ("Export your wallet and send the file to us.", "asks_private_key"),
    ],
)
def test_the_disguises_named_in_the_issue_are_blocked(text: str, reason: str) -> None:
    assert check_outbound(text).reasons == (reason,)


def test_a_clean_reply_passes() -> None:
    assert check_outbound("您好，您的提币已经到账，请查收。") == GuardVerdict(False, ())


def test_reasons_are_in_a_stable_order_and_reason_is_the_first() -> None:
    verdict = check_outbound("请把登录密码和谷歌验证码发给我，再下载向日葵")
    assert verdict.reasons == ("asks_password", "asks_otp", "asks_remote_access")
    assert verdict.reason == "asks_password"


def test_the_language_argument_changes_nothing() -> None:
    text = "Please send me your seed phrase."
    assert check_outbound(text, "zh-Hans") == check_outbound(text, "en") == check_outbound(text)


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_is_explained_in_whole_sentences(reason: str) -> None:
    assert set(EXPLANATIONS[reason]) == {"zh-Hans", "zh-Hant", "en"}
    english = explain(reason)
    assert english[0].isupper()
    assert english.endswith(".")
    assert explain(reason, "zh-Hant").endswith("。")
    assert explain(reason, "zh-hans") == EXPLANATIONS[reason]["zh-Hans"]
