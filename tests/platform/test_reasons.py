"""Connector reasons are codes with parameters, worded by Kefu in the reader's language."""

import pytest
from django.utils import translation

from kefu.platform.connector import Reason
from kefu.platform.reasons import TEXTS, describe

REVIEW = Reason("large_amount", {"threshold": "10000 USDT"})


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Large amount (over 10000 USDT): extra security review"),
        ("zh-hans", "大额提现（超过 10000 USDT）：需额外安全审核"),
        ("zh-hant", "大額提領（超過 10000 USDT）：需額外安全審核"),
    ],
)
def test_a_code_is_worded_in_the_readers_language_with_its_parameters(language, text):
    with translation.override(language):
        assert describe(REVIEW) == text


def test_every_code_has_both_chinese_translations():
    with translation.override("en"):
        english = {code: str(text) for code, text in TEXTS.items()}
    for language in ("zh-hans", "zh-hant"):
        with translation.override(language):
            untranslated = [code for code, text in TEXTS.items() if str(text) == english[code]]
        assert untranslated == [], language


def test_an_unknown_code_shows_the_back_ends_own_words_or_the_code():
    assert (
        describe(Reason("sanctions_screening", text="Sanctions screening")) == "Sanctions screening"
    )
    assert describe(Reason("sanctions_screening")) == "sanctions_screening"


def test_a_missing_parameter_falls_back_instead_of_breaking_the_page():
    assert describe(Reason("large_amount", text="Big one")) == "Big one"
    assert describe(Reason("large_amount")) == "large_amount"


def test_no_reason_is_an_empty_text():
    assert describe(None) == ""
