"""Passwords and one-time codes that a customer gives as such ("密码是abc123", "OTP 998877").

Only the value is removed; the lead-in stays, so the agent still reads "密码是[密码已移除]"
and knows what happened. The lead-in words alone are everywhere in support chats ("密码错误",
"I forgot my password", "验证码收不到"), so a value must follow in the shape a password or
code has: ASCII characters right after the lead-in (Chinese text after "密码" is never the
password), digits for a code.

Every pattern is anchored on its keyword: the keyword is found first (an expression whose
first characters are few, which the regular-expression engine skips to), and the rest is
matched from there. Matching the whole pattern at every position of every message was the
slowest part of the scanner.
"""

import re
from collections.abc import Iterator

from kefu.safety.findings import ONE_TIME_CODE, PASSWORD, Finding
from kefu.safety.word_edges import with_ascii_word_edges

# --- passwords ------------------------------------------------------------------------------

_PASSWORD_KEYWORD = re.compile(
    with_ascii_word_edges(
        r"密[码碼]|口令|pin[码碼]"
        r"|\b(?:password|passcode|passwd|pwd|pass\s*word|passphrase|pin(?:\s*code)?)\b"
    ),
    re.IGNORECASE,
)
_CONNECTOR_ZH = (
    r"(?:是|为|為|[:：=]|就是|设置成|設置成|设成|設成|改成|改为|改為|设为|設為|换成|換成)了?"
)
# Chinese connectors too: "我的password是Abc12345".
_CONNECTOR_EN_EXPLICIT = r"(?:[:：=]|-(?=\s)|是|为|為)"
_CONNECTOR_EN_VERB = (
    r"(?:is|was|(?:is|was)\s+now|(?:is|was)\s+set\s+to|(?:changed|set|reset)\s+(?:it\s+)?to|to)"
    r"(?:\s*[:：])?"
)
# A password is ASCII without spaces, possibly quoted; it ends at white space, at a Chinese
# character or at the closing quote.
_VALUE = r"[\"'“‘「`]?(?P<value>[!-~]{4,64})"
_PASSWORD_AFTER_ZH = re.compile(
    rf"(?:我)?(?:设置|設置|设定|設定)?的?(?:\s*(?P<explicit>{_CONNECTOR_ZH}))?(?P<gap>\s*){_VALUE}"
)
_PASSWORD_AFTER_EN = re.compile(
    rf"(?:\s*(?P<explicit>{_CONNECTOR_EN_EXPLICIT}))?(?:\s*(?P<verb>{_CONNECTOR_EN_VERB}))?"
    rf"(?P<gap>\s*){_VALUE}",
    re.IGNORECASE,
)
# Lower-case starts of the keywords (see _keyword_starts).
_PASSWORD_TRIGGERS = ("密码", "密碼", "口令", "pass", "pwd", "pin")

# Words that follow "password is" in complaints, not in disclosures.
# fmt: off
_NOT_A_PASSWORD = frozenset((
    "wrong", "incorrect", "correct", "right", "invalid", "valid", "not", "too", "very",
    "same", "different", "still", "expired", "reset", "changed", "forgotten", "lost",
    "weak", "strong", "required", "missing", "empty", "blank", "fine", "ok", "okay",
    "working", "rejected", "accepted", "locked", "case", "long", "short", "the", "and",
    "but", "definitely", "definately", "really", "also", "already", "now", "here", "there",
    "being", "set", "saved", "stored", "password", "none", "null", "true", "false", "bool",
    "str", "optional",
))
# fmt: on

# --- one-time codes -------------------------------------------------------------------------

_CODE_KEYWORD = re.compile(
    with_ascii_word_edges(
        r"(?:[验驗][证證]|校[验驗]|[动動][态態]|[确確][认認]|安全|[认認][证證]|短信|簡訊|谷歌|OTP|2FA)[码碼]"
        r"|[验驗][证證]代[码碼]"
        r"|\b(?:code|pin|passcode)\b|\b(?:otp|2fa|totp|mfa)\b"
    ),
    re.IGNORECASE,
)
# Lower-case starts of the keywords. A Chinese one found where no 码 or 碼 follows simply
# fails to match, so the English and Chinese keywords are looked for together.
# fmt: off
_CODE_TRIGGERS = (
    "验证", "驗證", "校验", "校驗", "动态", "動態", "确认", "確認", "安全", "认证", "認證",
    "短信", "簡訊", "谷歌", "code", "pin", "passcode", "otp", "2fa", "totp", "mfa",
)
# fmt: on
# An English "code" is a one-time code only when a qualifier says so ("SMS code", "2FA
# code"); "error code 500" and "promo code" are not.
_CODE_QUALIFIED = re.compile(
    with_ascii_word_edges(
        r"(?:\b(?:sms|text|texted|email|e-mail|2fa|two[\s-]factor|2[\s-]step|two[\s-]step|google|"
        r"ga|authenticator|auth|otp|one[\s-]time|verification|verify|security|login|"
        r"confirmation|mfa|totp|withdrawal|6[\s-]digit)\s+)+\Z"
    ),
    re.IGNORECASE,
)
_CODE_CONNECTOR = (
    r"(?:是|为|為|就是|[:：=]|-(?=\s)|(?:is|was)(?:\s*[:：])?|(?:i|we)\s+(?:got|received|get)"
    r"(?:\s+is)?(?:\s*[:：])?)"
)
_CODE_AFTER = re.compile(
    rf"\s*(?:{_CODE_CONNECTOR})?\s*(?P<value>(?<!\d)(?:\d{{3}}[ -]\d{{3}}|\d{{4,8}})(?!\d))",
    re.IGNORECASE,
)
# "482913 是验证码": the code first, the keyword after.
_CODE_BEFORE = re.compile(
    r"(?P<value>(?<!\d)\d{4,8})\s*(?:是|为|為)(?:我的|我收到的|收到的)?(?:短信|簡訊)?\Z"
)
# How far before "code" its qualifiers may start, and before "验证码" the code itself.
_LOOK_BACK = 48

_TRAILING_PUNCTUATION = ".,;:"
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}
_QUOTES = "\"'”’」`"


def find_credentials(text: str, lowered: str | None = None) -> list[Finding]:
    """Every password and one-time code given as such in `text`.

    `lowered` is text.lower() when the caller has it already.
    """
    if lowered is None:
        lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text  # positions must line up; such text just misses upper-case keywords
    findings: list[Finding] = []
    if not _may_hold_keyword(lowered):
        return findings
    passwords, codes = _keyword_starts(lowered)
    if passwords:
        findings.extend(_passwords(text, passwords))
    if codes:
        findings.extend(_codes(text, codes))
    return findings


# Every keyword of either kind holds one of these (the Chinese code keywords that do not,
# "验证", "安全", count only before 码 or 碼), in lower case.
KEYWORD_HINTS = ("密", "码", "碼", "口令", "pass", "pwd", "pin", "code", "otp", "2fa", "mfa")


def _may_hold_keyword(lowered: str) -> bool:
    """False when no keyword of either kind can be in the text, as most messages.

    The KEYWORD_HINTS written out as plain "in" tests: str's own search beats any
    expression over the same text, and a chain of them is twice as fast as any() over
    the tuple.
    """
    return (
        "密" in lowered
        or "码" in lowered
        or "碼" in lowered
        or "口令" in lowered
        or "pass" in lowered
        or "pwd" in lowered
        or "pin" in lowered
        or "code" in lowered
        or "otp" in lowered
        or "2fa" in lowered
        or "mfa" in lowered
    )


# Every trigger of both kinds in one expression, so that a message with a keyword is read
# once, not once per trigger. The longest alternatives come first, so where "passcode"
# starts the match is "passcode" and not the "pass" inside it.
_ALL_TRIGGERS = sorted(
    {*_PASSWORD_TRIGGERS, *_CODE_TRIGGERS}, key=lambda trigger: (-len(trigger), trigger)
)
_TRIGGER = re.compile("|".join(map(re.escape, _ALL_TRIGGERS)))


def _trigger_ranks(triggers: tuple[str, ...]) -> dict[str, int]:
    """For every alternative of _TRIGGER, the rank in `triggers` of the first trigger that
    starts where it does: the triggers at a position are the prefixes of the longest one."""
    return {
        found: min(rank for rank, trigger in enumerate(triggers) if found.startswith(trigger))
        for found in _ALL_TRIGGERS
        if any(found.startswith(trigger) for trigger in triggers)
    }


_PASSWORD_RANK = _trigger_ranks(_PASSWORD_TRIGGERS)
_CODE_RANK = _trigger_ranks(_CODE_TRIGGERS)


def _keyword_starts(lowered: str) -> tuple[list[int], list[int]]:
    """Where a password keyword and where a code keyword may start.

    Positions are ordered by trigger, then by place (the order in which looking for each
    trigger in turn would find them, which fixes the order of the findings).
    """
    passwords: list[tuple[int, int]] = []
    codes: list[tuple[int, int]] = []
    found = _TRIGGER.search(lowered)
    while found is not None:
        trigger, position = found.group(), found.start()
        if trigger in _PASSWORD_RANK:
            passwords.append((_PASSWORD_RANK[trigger], position))
        if trigger in _CODE_RANK:
            codes.append((_CODE_RANK[trigger], position))
        # One character on, not past the match: "totp" holds "otp", "passcode" holds "code".
        found = _TRIGGER.search(lowered, position + 1)
    passwords.sort()
    codes.sort()
    return [position for _, position in passwords], [position for _, position in codes]


def _anchored(text: str, starts: list[int], pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """Matches of `pattern` at the given starts: the expression runs only at those few
    positions, never at every position of the message."""
    for position in starts:
        match = pattern.match(text, position)
        if match is not None:
            yield match


def _passwords(text: str, starts: list[int]) -> Iterator[Finding]:
    for keyword in _anchored(text, starts, _PASSWORD_KEYWORD):
        chinese = keyword.group()[-1] in "码碼令"
        after = _PASSWORD_AFTER_ZH if chinese else _PASSWORD_AFTER_EN
        match = after.match(text, keyword.end())
        if match is None:
            continue
        start, end = _trim(text, match.start("value"), match.end("value"))
        if end - start >= 4 and _accepts(match, text[start:end]):
            yield Finding(PASSWORD, start, end)


def _accepts(match: re.Match[str], value: str) -> bool:
    if value.lower() in _NOT_A_PASSWORD:
        return False
    if match.group("explicit"):
        return True
    if "verb" in match.re.groupindex and match.group("verb"):
        # "my password is hunter2" but not "my password is wrong": after a verb the value
        # must look made up, not like an English word.
        return _looks_made_up(value)
    # No connector at all ("我的密码 Qwe12345"): the value has to stand apart (not
    # "reset-password?token=…" in a link) and look like a password.
    return bool(match.group("gap")) and len(value) >= 6 and _looks_made_up(value)


# Lower-case words glued by sentence punctuation where a space was forgotten
# ("again,please"): a typo in prose, not a made-up password.
_GLUED_WORDS = re.compile(r"[^\W\d_]+(?:[,.;:!?][^\W\d_]+)+[,.;:!?]?")


def _looks_made_up(value: str) -> bool:
    inner_upper = any(char.isupper() for char in value[1:])
    if not inner_upper and _GLUED_WORDS.fullmatch(value):
        return False
    has_digit = any(char.isdigit() for char in value)
    has_symbol = any(not char.isalnum() for char in value)
    return has_digit or has_symbol or inner_upper


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop sentence punctuation, closing quotes and unmatched brackets after a value."""
    while end > start:
        last = text[end - 1]
        if (
            last in _TRAILING_PUNCTUATION
            or last in _QUOTES
            or (last in _CLOSING and _CLOSING[last] not in text[start : end - 1])
        ):
            end -= 1
        else:
            break
    return start, end


def _codes(text: str, starts: list[int]) -> Iterator[Finding]:
    for keyword in _anchored(text, starts, _CODE_KEYWORD):
        word = keyword.group().lower()
        if word in ("code", "pin", "passcode"):
            preceding = text[max(0, keyword.start() - _LOOK_BACK) : keyword.start()]
            if _CODE_QUALIFIED.search(preceding) is None:
                continue
        yield from _code_after(text, keyword.end())
        if word[-1] in "码碼":
            offset = max(0, keyword.start() - _LOOK_BACK)
            before = _CODE_BEFORE.search(text[offset : keyword.start()])
            if before is not None:
                start, end = offset + before.start("value"), offset + before.end("value")
                yield Finding(ONE_TIME_CODE, start, end)


def _code_after(text: str, position: int) -> Iterator[Finding]:
    match = _CODE_AFTER.match(text, position)
    if match is not None:
        yield Finding(ONE_TIME_CODE, match.start("value"), match.end("value"))
