"""The one entry point for inbound text: find every secret and replace it with a marker.

Cheap pre-filters decide which detectors can possibly fire, so the typical clean chat
message costs a handful of C-level regular-expression scans and nothing else.
"""

import re
from dataclasses import dataclass

from kefu.core.language import normalize_language
from kefu.safety.credentials import KEYWORD_HINTS, find_credentials
from kefu.safety.findings import PRECEDENCE, Finding
from kefu.safety.keys import SHORTEST_KEY, find_keys
from kefu.safety.keystore import KEYSTORE_HINTS, find_keystores
from kefu.safety.markers import MARKERS, marker
from kefu.safety.mnemonic_phrases import (
    HAN_RUN_START,
    MIN_WORDS,
    find_recovery_phrases,
    may_hold_separated_phrase,
)


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and what was removed from it (kinds and original offsets only)."""

    text: str
    findings: tuple[Finding, ...]

    @property
    def found(self) -> bool:
        return bool(self.findings)


def redact(text: str, language: str | None = None) -> Redaction:
    """Replace every secret in `text` by a marker in the message's language.

    `language` is "zh-Hans", "zh-Hant" or "en" (Django-style codes are accepted too); when
    it is missing the language is detected from the text.
    """
    findings = find_secrets(text)
    if not findings:
        return Redaction(text=text, findings=())
    language_id = normalize_language(language, text)
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(marker(finding.kind, language_id))
        position = finding.end
    parts.append(text[position:])
    return Redaction(text="".join(parts), findings=findings)


# What a message too short for a key must hold for any other detector to find something
# in it, besides the separators of a separated phrase: a credential keyword or a
# keystore's "ciphertext" (in lower case), or twelve Han characters in a row. Most chat
# messages are that short and hold none. Every alternative starts with a plain character,
# so the engine skips ahead in C; letter case is settled by searching the lower-cased text.
_SHORT_MESSAGE_KEYWORDS = re.compile(
    "|".join(re.escape(hint.lower()) for hint in (*KEYWORD_HINTS, *KEYSTORE_HINTS))
)
_HAN_RUN_START = re.compile(HAN_RUN_START)


def find_secrets(text: str) -> tuple[Finding, ...]:
    """Every secret in `text`, in order, without overlaps."""
    # Lower-cased once for every detector that looks for keywords.
    lowered = text.lower()
    if len(text) < SHORTEST_KEY and not _may_hold_short_secret(text, lowered):
        return ()
    candidates = find_credentials(text, lowered)
    if len(text) >= MIN_WORDS:
        candidates += find_recovery_phrases(text, lowered)
        candidates += find_keys(text)
        candidates += find_keystores(text)
    if not candidates:
        return ()
    candidates = _outside_markers(text, candidates)
    return _without_overlaps(candidates)


def _may_hold_short_secret(text: str, lowered: str) -> bool:
    return (
        _SHORT_MESSAGE_KEYWORDS.search(lowered) is not None
        or (not text.isascii() and _HAN_RUN_START.search(text) is not None)
        or may_hold_separated_phrase(text)
    )


# Every marker in every language. Text is screened more than once on some paths (a flow's
# answers, then the hand-off message that quotes them; an agent quoting a customer), and a
# marker must come back as it went in: "password: [password removed]" is not a password.
_MARKER = re.compile(
    "|".join(re.escape(text) for texts in MARKERS.values() for text in texts.values())
)


def _outside_markers(text: str, candidates: list[Finding]) -> list[Finding]:
    if "[" not in text:
        return candidates
    markers = [match.span() for match in _MARKER.finditer(text)]
    if not markers:
        return candidates
    return [
        finding
        for finding in candidates
        if all(finding.end <= start or finding.start >= end for start, end in markers)
    ]


def _without_overlaps(candidates: list[Finding]) -> tuple[Finding, ...]:
    """Keep the larger secret where two findings overlap (see findings.KINDS)."""
    if len(candidates) < 2:
        return tuple(candidates)
    kept: list[Finding] = []
    ranked = sorted(candidates, key=lambda f: (PRECEDENCE[f.kind], f.start - f.end, f.start))
    for candidate in ranked:
        if all(candidate.end <= other.start or candidate.start >= other.end for other in kept):
            kept.append(candidate)
    return tuple(sorted(kept, key=lambda f: f.start))
