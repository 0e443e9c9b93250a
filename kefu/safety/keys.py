"""Private keys in their common text encodings: WIF, extended keys, hex, Solana.

Every encoding that carries a checksum is verified, so a transaction id, an address or a
public key never matches by accident. The one encoding without a checksum, 64 hex digits,
is exactly what a transaction hash looks like, so it counts as a key only when the
customer says so right before it.
"""

import re
import string
from collections.abc import Iterator

import base58

from kefu.safety import ed25519
from kefu.safety.context import KEY_CONTEXT, KEY_CONTEXT_BEFORE, TRANSACTION_CONTEXT
from kefu.safety.findings import (
    EXTENDED_PRIVATE_KEY,
    PRIVATE_KEY,
    SOLANA_SECRET_KEY,
    Finding,
)

_BASE58 = "1-9A-HJ-NP-Za-km-z"
SHORTEST_KEY = 50
# Long enough for a WIF key (51), short enough to take an extended key (111).
_BASE58_RUN = re.compile(rf"(?<![{_BASE58}])[{_BASE58}]{{50,112}}(?![{_BASE58}])")
_HEX_64 = re.compile(r"(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_BYTE_ARRAY = re.compile(r"\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*,?\s*\]")
_URL_TOKEN = re.compile(r"[a-z][a-z0-9+.-]*://|\b[\w-]+\.[a-z]{2,}/", re.IGNORECASE)

# Version bytes of WIF keys: Bitcoin main net and test net, plus Litecoin and Dogecoin,
# whose wallets export keys the same way.
_WIF_VERSIONS = frozenset({0x80, 0xEF, 0xB0, 0x9E})
_WIF_FIRST_CHARACTERS = frozenset("59KLc6T7Q")

# Serialized BIP32 private keys: version bytes by prefix (BIP32, BIP49, BIP84, SLIP-132).
_EXTENDED_PRIVATE_VERSIONS = {
    "xprv": bytes.fromhex("0488ade4"),
    "yprv": bytes.fromhex("049d7878"),
    "zprv": bytes.fromhex("04b2430c"),
    "tprv": bytes.fromhex("04358394"),
    "uprv": bytes.fromhex("044a4e28"),
    "vprv": bytes.fromhex("045f18bc"),
    "Yprv": bytes.fromhex("0295b005"),
    "Zprv": bytes.fromhex("02aa7a99"),
    "Ltpv": bytes.fromhex("019d9cfe"),
    "Mtpv": bytes.fromhex("01b26792"),
}
_EXTENDED_KEY_LENGTH = 111
_SOLANA_LENGTHS = range(85, 89)
# How far after a 64-hex string "…这是我的私钥" may still describe it.
_KEY_CONTEXT_AFTER = 24
_KEY_CONTEXT_FRAGMENTS = ("私", "密", "秘", "导出", "導出", "priv", "secret", "export", "key", "pk")
# How far back from a candidate a URL's scheme or host may start.
_LONGEST_URL_PREFIX = 200


def find_keys(text: str) -> list[Finding]:
    """Every WIF, extended, hex or Solana private key in `text`."""
    findings: list[Finding] = []
    if len(text) < SHORTEST_KEY:
        return findings
    if "[" in text and "," in text:
        findings.extend(_byte_array_keys(text))
    # Every other key string is inside a run of 50 or more letters and digits; the exact
    # expressions run only inside those, a handful of characters per message.
    for run_start, run_end in _long_alphanumeric_runs(text):
        for run in _BASE58_RUN.finditer(text, run_start, run_end):
            finding = _classify_base58(text, run)
            if finding is not None:
                findings.append(finding)
        for match in _HEX_64.finditer(text, run_start, run_end):
            if _says_key(text, match.start(), match.end()):
                findings.append(Finding(PRIVATE_KEY, match.start(), match.end()))
    return findings


# ASCII letters and digits become "a", every other byte " ".
_ALPHANUMERIC_SHAPE = bytes(
    ord("a") if chr(byte) in string.ascii_letters + string.digits else ord(" ")
    for byte in range(256)
)
_LONG_RUN_SHAPE = b"a" * SHORTEST_KEY


def _long_alphanumeric_runs(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the runs of 50 or more ASCII letters and digits, as
    `[0-9A-Za-z]{50,}` would find them.

    A regular expression tries a match at every letter of every word; this reads the text
    a few times at memory speed instead. Encoding with "replace" turns each non-ASCII
    character into one "?", so byte offsets are character offsets.
    """
    shape = text.encode("ascii", "replace").translate(_ALPHANUMERIC_SHAPE)
    start = shape.find(_LONG_RUN_SHAPE)
    while start != -1:
        end = shape.find(b" ", start + SHORTEST_KEY)
        if end == -1:
            end = len(shape)
        yield start, end
        start = shape.find(_LONG_RUN_SHAPE, end)


def _byte_array_keys(text: str) -> Iterator[Finding]:
    for match in _BYTE_ARRAY.finditer(text):
        if all(int(number) <= 255 for number in re.findall(r"\d+", match.group())):
            yield Finding(SOLANA_SECRET_KEY, match.start(), match.end())


def _classify_base58(text: str, run: re.Match[str]) -> Finding | None:
    value = run.group()
    start, end = run.span()
    if len(value) in (51, 52) and value[0] in _WIF_FIRST_CHARACTERS and _is_wif(value):
        return Finding(PRIVATE_KEY, start, end)
    if len(value) == _EXTENDED_KEY_LENGTH and value[:4] in _EXTENDED_PRIVATE_VERSIONS:
        # A mistyped extended private key is still almost all secret, so the prefix and
        # length are enough; the checksum is not required.
        return Finding(EXTENDED_PRIVATE_KEY, start, end)
    if len(value) in _SOLANA_LENGTHS and _is_solana_secret_key(text, value, start, end):
        return Finding(SOLANA_SECRET_KEY, start, end)
    return None


def _is_wif(value: str) -> bool:
    try:
        payload = base58.b58decode_check(value)
    except ValueError:
        return False
    if payload[0] not in _WIF_VERSIONS:
        return False
    # 32 key bytes, plus a 0x01 marker when the public key is compressed.
    return len(payload) == 33 or (len(payload) == 34 and payload[-1] == 0x01)


def _is_solana_secret_key(text: str, value: str, start: int, end: int) -> bool:
    if _inside_url(text, start):
        return False  # an explorer link: solscan.io/tx/<signature>
    try:
        decoded = base58.b58decode(value)
    except ValueError:
        return False
    if len(decoded) != 64:
        return False
    if ed25519.is_key_pair(decoded):
        return True
    # A transaction signature has the same length; only the customer's own words make one
    # of those a key (a key pasted with a typo no longer derives its public half).
    return _says_key(text, start, end)


def _says_key(text: str, start: int, end: int) -> bool:
    """True when a context word calls text[start:end] a key, and nothing closer a hash."""
    window_start = max(0, start - KEY_CONTEXT_BEFORE)
    after_end = min(len(text), end + _KEY_CONTEXT_AFTER)
    if not _may_say_key(text[window_start:after_end].lower()):
        return False  # the common case: a hash with no key word anywhere near
    if _inside_url(text, start):
        return False
    key_before = _last_match_end(KEY_CONTEXT, text, window_start, start)
    transaction_before = _last_match_end(TRANSACTION_CONTEXT, text, window_start, start)
    if key_before is not None and (transaction_before is None or key_before > transaction_before):
        return True
    if transaction_before is not None:
        return False
    key_after = KEY_CONTEXT.search(text, end, after_end)
    if key_after is None:
        return False
    return TRANSACTION_CONTEXT.search(text, end, key_after.start()) is None


def _may_say_key(lowered: str) -> bool:
    # Every KEY_CONTEXT match contains one of these; "in" tests are far cheaper than the
    # expression.
    return any(fragment in lowered for fragment in _KEY_CONTEXT_FRAGMENTS)


def _last_match_end(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    last = None
    for match in pattern.finditer(text, start, end):
        last = match.end()
    return last


def _inside_url(text: str, position: int) -> bool:
    limit = max(0, position - _LONGEST_URL_PREFIX)
    token_start = 1 + max(text.rfind(space, limit, position) for space in " \n\t\u3000")
    return _URL_TOKEN.search(text, max(token_start, limit), position) is not None
