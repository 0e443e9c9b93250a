"""The outbound guard over guard_corpus.jsonl: requests blocked, warnings and help passed."""

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


def test_the_corpus_covers_every_reason_and_language() -> None:
    assert len(CORPUS) >= 120
    assert {reason for case in CORPUS for reason in case["reasons"]} == set(REASONS)
    for language in ("zh-Hans", "zh-Hant", "en"):
        cases = [case for case in CORPUS if case["lang"] == language]
        assert any(case["blocked"] for case in cases)
        assert any(not case["blocked"] for case in cases)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case["text"][:60])
def test_corpus(case: dict[str, Any]) -> None:
    verdict = check_outbound(case["text"])
    assert verdict.blocked is case["blocked"]
    assert sorted(verdict.reasons) == case["reasons"]


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
