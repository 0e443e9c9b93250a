"""What the IVR says (never a request for a secret, in every language) and what it hears."""

import pytest

from kefu.core.languages import Language
from kefu.inboxes.phone import prompts
from kefu.inboxes.phone.models import Call, PhoneLine, PromptKey
from kefu.safety.outbound_guard import check_outbound

LANGUAGES = list(Language.values)
TEXTS = [*prompts.BUILT_IN.values(), *prompts.SENTENCES]


def test_every_prompt_key_has_a_built_in_text() -> None:
    assert set(prompts.BUILT_IN) == set(PromptKey.values)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", TEXTS)
def test_no_prompt_asks_for_a_secret(text: str, language: str) -> None:
    spoken = prompts.fill(prompts.translated(text, language), {"position": 3, "minutes": 5})
    verdict = check_outbound(spoken, language)
    assert not verdict.blocked, (spoken, verdict.reasons)


def test_the_guard_would_catch_a_prompt_that_asks() -> None:
    # The check above can fail: an edited prompt like this one would be caught.
    assert check_outbound("Please tell us your verification code.").blocked
    assert check_outbound("请说出您的助记词以便核实身份。").blocked


@pytest.mark.parametrize("language", [Language.ZH_HANS, Language.ZH_HANT])
@pytest.mark.parametrize("text", TEXTS)
def test_every_prompt_is_translated(text: str, language: str) -> None:
    assert prompts.translated(text, language) != text


def test_simplified_and_traditional_differ_where_the_characters_do() -> None:
    safety = prompts.BUILT_IN[PromptKey.SAFETY]
    assert prompts.translated(safety, Language.ZH_HANS) != prompts.translated(
        safety, Language.ZH_HANT
    )


def test_fill_puts_values_in_their_places_and_leaves_the_rest() -> None:
    assert prompts.fill("第 {position} 位，{position}", {"position": 2}) == "第 2 位，2"
    assert prompts.fill("no place {x}", {"position": 2}) == "no place {x}"


@pytest.mark.parametrize(
    ("digits", "speech", "expected"),
    [
        ("1", "", Language.ZH_HANT),
        ("2", "", Language.EN),
        ("3", "", None),
        ("*", "", None),
        ("", "English please", Language.EN),
        ("", "普通話", Language.ZH_HANT),
        ("", "Chinese", Language.ZH_HANT),
        ("", "", None),
        ("", "Chinese or English", None),
        ("", "嗯", None),
    ],
)
def test_the_language_heard(digits: str, speech: str, expected: Language | None) -> None:
    assert prompts.heard_language(digits, speech, Language.ZH_HANT) == expected


@pytest.mark.parametrize(
    ("digits", "speech", "expected"),
    [
        ("1", "", "account_stolen"),
        ("2", "", "withdrawal_delayed"),
        ("3", "", "account_locked"),
        ("0", "", ""),
        ("4", "", ""),
        ("5", "", None),
        ("", "我的账号被盗了", "account_stolen"),
        ("", "充值没到账", "withdrawal_delayed"),
        ("", "account is frozen", "account_locked"),
        ("", "其他问题", ""),
        ("", "", None),
        ("", "你好", None),
    ],
)
def test_the_topic_heard(digits: str, speech: str, expected: str | None) -> None:
    assert prompts.heard_topic(digits, speech) == expected


@pytest.mark.parametrize(
    ("number", "chinese", "voice"),
    [
        ("+8613800138000", Language.ZH_HANS, prompts.MANDARIN),
        ("+85291234567", Language.ZH_HANT, prompts.CANTONESE),
        ("+85361234567", Language.ZH_HANT, prompts.CANTONESE),
        ("+886912345678", Language.ZH_HANT, prompts.TAIWANESE_MANDARIN),
        ("anonymous", Language.ZH_HANS, prompts.MANDARIN),
    ],
)
def test_the_callers_chinese_and_voice_follow_their_number(
    number: str, chinese: Language, voice: prompts.Voice
) -> None:
    call = Call(line=PhoneLine(), from_number=number)
    assert prompts.chinese_for(call) == chinese
    assert prompts.voice_for(call, chinese) == voice
    assert prompts.voice_for(call, Language.EN) == prompts.ENGLISH
