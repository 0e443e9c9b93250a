"""Redaction at ingress: every customer-supplied string passes here before it is stored."""

from dataclasses import dataclass, replace

from kefu.inboxes.base import InboundMessage
from kefu.safety.redaction import redact


@dataclass(frozen=True)
class Screened:
    inbound: InboundMessage
    # Kinds of secret removed (never the secrets themselves).
    kinds: frozenset[str]


def screen_inbound(inbound: InboundMessage) -> Screened:
    language = inbound.language or None
    kinds: set[str] = set()

    def clean(value: str) -> str:
        if not value:
            return value
        result = redact(value, language)
        kinds.update(finding.kind for finding in result.findings)
        return result.text

    text = clean(inbound.text)
    html = clean(inbound.html)
    if kinds:
        # Markup can split a phrase across tags the redactor cannot see through; once the
        # text shows a secret, the HTML rendering of the same message is not kept at all.
        html = ""
    screened = replace(
        inbound,
        text=text,
        html=html,
        subject=clean(inbound.subject),
        contact_name=clean(inbound.contact_name),
        original=clean(inbound.original),
        bounce_reason=clean(inbound.bounce_reason),
        attachments=tuple(
            replace(upload, filename=clean(upload.filename)) for upload in inbound.attachments
        ),
    )
    return Screened(inbound=screened, kinds=frozenset(kinds))
