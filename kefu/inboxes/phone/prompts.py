"""What the IVR says and hears: built-in prompts per language, the voices, the menus.

Every prompt has a built-in English text translated to Simplified and Traditional
Chinese (this app's locale). A line's Prompt row replaces it for one language: its
recording is played, else its text is spoken. Texts may hold `{position}`, `{minutes}` or
`{when}`, filled in where the prompt is said.

Chinese for a caller: Traditional (zh-Hant) when their contact's language says so or
their number is from Hong Kong, Macau (+852, +853: spoken in Cantonese) or Taiwan (+886:
Taiwanese Mandarin); otherwise Simplified, in Mandarin. The caller still chooses Chinese
or English in the menu: only the Chinese variant is decided for them.

None of these prompts asks for anything secret (tests/inboxes/phone/test_prompts.py runs
each through the outbound guard): the IVR only says what never to tell anyone.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.core.intents import Intent
from kefu.core.languages import Language, to_django
from kefu.inboxes.phone.models import Call, PhoneLine, Prompt, PromptKey


@dataclass(frozen=True)
class Voice:
    say_language: str  # <Say language=…>
    voice: str  # <Say voice=…>: a Google voice Twilio offers for that language
    speech_language: str  # <Gather language=…>: what speech recognition listens for


MANDARIN = Voice("cmn-CN", "Google.cmn-CN-Standard-A", "cmn-Hans-CN")
TAIWANESE_MANDARIN = Voice("cmn-TW", "Google.cmn-TW-Standard-A", "cmn-Hant-TW")
CANTONESE = Voice("yue-HK", "Google.yue-HK-Standard-A", "yue-Hant-HK")
ENGLISH = Voice("en-US", "Google.en-US-Standard-C", "en-US")

_CANTONESE_PREFIXES = ("+852", "+853")
_TRADITIONAL_PREFIXES = (*_CANTONESE_PREFIXES, "+886")


def chinese_for(call: Call) -> Language:
    """The Chinese the caller most likely reads: their contact's, else their number's region."""
    if call.contact is not None and call.contact.language == Language.ZH_HANT:
        return Language.ZH_HANT
    if call.from_number.startswith(_TRADITIONAL_PREFIXES):
        return Language.ZH_HANT
    return Language.ZH_HANS


def voice_for(call: Call, language: str) -> Voice:
    if language == Language.EN:
        return ENGLISH
    if language == Language.ZH_HANT:
        if call.from_number.startswith(_CANTONESE_PREFIXES):
            return CANTONESE
        return TAIWANESE_MANDARIN
    return MANDARIN


BUILT_IN: dict[str, str] = {
    PromptKey.WELCOME: gettext_noop(
        "Welcome to customer support. For Chinese, press 1 or say Chinese. "
        "For English, press 2 or say English."
    ),
    PromptKey.SAFETY: gettext_noop(
        "We will never ask for your recovery phrase, private key, password or "
        "verification codes. Never tell them to anyone, including us."
    ),
    PromptKey.TOPIC_MENU: gettext_noop(
        "Please have your registered email, your name, and your recent transactions and "
        "sign-ins ready. If your account was stolen or hacked, press 1. For withdrawals and "
        "deposits, press 2. If your account is locked, press 3. For anything else, press 0."
    ),
    PromptKey.CLOSED: gettext_noop("Our support team is not available at this time."),
    PromptKey.RECORDING_NOTICE: gettext_noop(
        "This call will be recorded for quality and security purposes."
    ),
    PromptKey.QUEUE_POSITION: gettext_noop("You are number {position} in the queue."),
    PromptKey.CALLBACK_OFFER: gettext_noop("To be called back without losing your place, press 1."),
    PromptKey.CALLBACK_CONFIRMED: gettext_noop(
        "Thank you. We will call you back on the number you are calling from, in your turn. "
        "Goodbye."
    ),
    PromptKey.VOICEMAIL: gettext_noop(
        "Please leave a message after the beep: your name, your registered email and how we "
        "can help. Press the hash key when you are done."
    ),
    PromptKey.GOODBYE: gettext_noop("Thank you for calling. Goodbye."),
}

# Fixed sentences around the prompts: they name the keys the code listens for, or
# explain a refusal, so they are not edited per line.
NOT_UNDERSTOOD = gettext_noop("Sorry, we did not understand your choice.")
OPENS_AT = gettext_noop("We open again on {when}.")
VOICEMAIL_OPTION = gettext_noop("To leave a voicemail, press 1.")
CALLBACK_OPTION = gettext_noop("To be called back when we are open, press 2.")
WAIT_MINUTES = gettext_noop("Your estimated wait is about {minutes} minutes.")
WAIT_SHORT = gettext_noop("An agent will be with you shortly.")
CALLBACK_REFUSED = gettext_noop(
    "Sorry, we cannot call you back because your number is withheld or not valid."
)
SENTENCES = (
    NOT_UNDERSTOOD,
    OPENS_AT,
    VOICEMAIL_OPTION,
    CALLBACK_OPTION,
    WAIT_MINUTES,
    WAIT_SHORT,
    CALLBACK_REFUSED,
)


def fill(text: str, values: Mapping[str, object]) -> str:
    """Put the values into `{name}` places; an edited text may leave some out or repeat them."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def translated(text: str, language: str) -> str:
    with translation.override(to_django(language)):
        return _(text)


def overrides(line: PhoneLine) -> dict[tuple[str, str], Prompt]:
    """The line's edited prompts by (key, language): one query per webhook."""
    return {(p.key, p.language): p for p in Prompt.objects.filter(line=line)}


# ---------------------------------------------------------------- what the caller says

# The language menu hears both languages through a Mandarin recognizer (Twilio listens
# in one language per <Gather>): these hints make it expect the English words too.
LANGUAGE_HINTS = "中文,普通话,國語,粵語,Chinese,Mandarin,Cantonese,English,英文"
_CHINESE_WORDS = ("中文", "普通话", "普通話", "国语", "國語", "粤语", "粵語", "广东话", "廣東話")
_CHINESE_WORDS_EN = ("chinese", "mandarin", "cantonese")
_ENGLISH_WORDS = ("english", "英文", "英语", "英語")


def heard_language(digits: str, speech: str, chinese: Language) -> Language | None:
    """The caller's choice in the language menu, or None when it was not one."""
    if digits:
        return {"1": chinese, "2": Language.EN}.get(digits.strip())
    said = speech.strip().lower()
    wants_english = any(word in said for word in _ENGLISH_WORDS)
    wants_chinese = any(word in said for word in (*_CHINESE_WORDS, *_CHINESE_WORDS_EN))
    if wants_english == wants_chinese:
        return None  # nothing heard, or both named: ask again
    return Language.EN if wants_english else chinese


# Withdrawals and deposits are one choice (WITHDRAWAL_DELAYED): both go to the payments
# team at the same priority, and the agent records the exact topic at wrap-up.
OTHER = ""
_TOPIC_DIGITS = {
    "1": Intent.ACCOUNT_STOLEN,
    "2": Intent.WITHDRAWAL_DELAYED,
    "3": Intent.ACCOUNT_LOCKED,
    "0": OTHER,
    "4": OTHER,
}
# Looked for in this order: "my stolen account is locked" is a stolen account.
_TOPIC_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        Intent.ACCOUNT_STOLEN,
        ("被盗", "被盜", "盗号", "盜號", "黑客", "駭客", "stolen", "hacked", "hack"),
    ),
    (
        Intent.WITHDRAWAL_DELAYED,
        ("提现", "提現", "充值", "出金", "入金", "提币", "提幣", "withdraw", "deposit"),
    ),
    (Intent.ACCOUNT_LOCKED, ("锁", "鎖", "冻结", "凍結", "locked", "frozen", "lock")),
    (OTHER, ("其他", "其它", "别的", "別的", "other", "something else")),
)
TOPIC_HINTS = {
    Language.ZH_HANS: "被盗,提现,充值,锁定,冻结,其他",
    Language.ZH_HANT: "被盜,提現,充值,鎖定,凍結,其他",
    Language.EN: "stolen,hacked,withdrawal,deposit,locked,other",
}


def heard_topic(digits: str, speech: str) -> str | None:
    """The intent the caller chose ("" for other), or None when it was not a choice."""
    if digits:
        return _TOPIC_DIGITS.get(digits.strip())
    said = speech.strip().lower()
    for intent, words in _TOPIC_WORDS:
        if said and any(word in said for word in words):
            return intent
    return None
