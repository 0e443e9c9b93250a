"""The one entry point for inbound text: find every secret and replace it with a marker.

Cheap pre-filters decide which detectors can possibly fire, so the typical clean chat
message costs a handful of C-level regular-expression scans and nothing else.
"""

from dataclasses import dataclass

from kefu.core.language import normalize_language
from kefu.safety.credentials import find_credentials
from kefu.safety.findings import PRECEDENCE, Finding
from kefu.safety.keys import find_keys
from kefu.safety.keystore import find_keystores
from kefu.safety.markers import marker
from kefu.safety.mnemonic_phrases import MIN_WORDS, find_recovery_phrases


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


def find_secrets(text: str) -> tuple[Finding, ...]:
    """Every secret in `text`, in order, without overlaps."""
    candidates = find_credentials(text)
    if len(text) >= MIN_WORDS:
        candidates += find_recovery_phrases(text)
        candidates += find_keys(text)
        candidates += find_keystores(text)
    return _without_overlaps(candidates)


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
