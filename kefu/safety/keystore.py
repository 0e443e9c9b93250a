"""Ethereum keystore files (JSON, version 3 and the older "Crypto" spelling) pasted as text.

A keystore is a private key encrypted with a password the customer usually also reuses, so
the whole JSON object goes, not just the ciphertext.
"""

import re

from kefu.safety.findings import KEYSTORE, Finding

_CIPHERTEXT = re.compile(r"\\?[\"']?ciphertext\\?[\"']?\s*:", re.IGNORECASE)
_CRYPTO_OBJECT = re.compile(r"\\?[\"']?crypto\\?[\"']?\s*:\s*\{", re.IGNORECASE)
_KDF = re.compile(r"\\?[\"']?(?:kdf|cipherparams)\\?[\"']?\s*:", re.IGNORECASE)
# A keystore is under 1 KB; looking further back for its opening brace is pointless.
_LONGEST_KEYSTORE = 4096


# Every keystore holds one of these ("ciphertext", "Ciphertext", "CIPHERTEXT").
KEYSTORE_HINTS = ("iphertext", "IPHERTEXT")


def find_keystores(text: str) -> list[Finding]:
    """Every keystore JSON object in `text`, from its opening brace to its closing one."""
    if "iphertext" not in text and "IPHERTEXT" not in text:
        return []
    findings: list[Finding] = []
    position = 0
    while True:
        anchor = _CIPHERTEXT.search(text, position)
        if anchor is None:
            return findings
        start = _outermost_open_brace(text, anchor.start())
        if start is None:
            position = anchor.end()
            continue
        end = _matching_close_brace(text, start)
        body_end = end if end is not None else len(text)
        if _CRYPTO_OBJECT.search(text, start, body_end) or _KDF.search(text, start, body_end):
            findings.append(Finding(KEYSTORE, start, body_end))
            position = body_end
        else:
            position = anchor.end()


def _outermost_open_brace(text: str, position: int) -> int | None:
    """The opening brace of the outermost object that encloses `position`."""
    depth = 0
    outermost = None
    limit = max(0, position - _LONGEST_KEYSTORE)
    for index in range(position - 1, limit - 1, -1):
        char = text[index]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth:
                depth -= 1
            else:
                outermost = index
    return outermost


def _matching_close_brace(text: str, start: int) -> int | None:
    """One past the brace closing the object that opens at `start`, or None if truncated.

    Strings are not tracked: keystore values are hex, numbers and UUIDs, never braces, and
    customers paste keystores escaped (\\"crypto\\") as often as not.
    """
    depth = 0
    for index in range(start, min(len(text), start + _LONGEST_KEYSTORE)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None
