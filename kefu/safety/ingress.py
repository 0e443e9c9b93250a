"""Redaction at ingress: every customer-supplied string passes here before it is stored."""

import hashlib
from dataclasses import dataclass, replace

from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.core.text_files import TextFile, readings, text_type
from kefu.safety.redaction import Redaction, redact


@dataclass(frozen=True)
class Screened:
    inbound: InboundMessage
    # Kinds of secret removed (never the secrets themselves).
    kinds: frozenset[str]


def _kinds(result: Redaction) -> frozenset[str]:
    return frozenset(finding.kind for finding in result.findings)


def screen_inbound(inbound: InboundMessage) -> Screened:
    language = inbound.language or None
    kinds: set[str] = set(inbound.kinds_removed)

    def clean(value: str) -> str:
        # Already screened text is not screened twice: a second pass could take the
        # marker after "password:" for a password and mangle it.
        if not value or inbound.kinds_removed:
            return value
        result = redact(value, language)
        kinds.update(_kinds(result))
        return result.text

    text = clean(inbound.text)
    html = clean(inbound.html)
    if kinds:
        # Markup can split a phrase across tags the redactor cannot see through; once the
        # text shows a secret, the HTML rendering of the same message is not kept at all.
        html = ""
    files = []
    for upload in inbound.attachments:
        if upload.kinds_removed:
            # Screened when it arrived (a chat upload); a second pass could take the
            # marker after "password:" for a password and mangle it.
            files.append(upload)
            kinds.update(upload.kinds_removed)
            continue
        screened, found = screen_attachment(upload, language)
        files.append(screened)
        kinds.update(found)
    screened_inbound = replace(
        inbound,
        text=text,
        html=html,
        subject=clean(inbound.subject),
        contact_name=clean(inbound.contact_name),
        original=clean(inbound.original),
        bounce_reason=clean(inbound.bounce_reason),
        attachments=tuple(files),
        external_id=screened_id(inbound.external_id),
        thread_refs=tuple(screened_id(ref) for ref in inbound.thread_refs),
    )
    return Screened(inbound=screened_inbound, kinds=frozenset(kinds))


def screened_id(value: str) -> str:
    """A channel's message id, or a hash of it when it holds a secret.

    Ids are kept to recognise a second delivery and to thread replies; the same id always
    gives the same hash, so both keep working without the secret being stored.
    """
    if not value or not redact(value).found:
        return value
    return "sha256-" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def screen_attachment(
    upload: InboundAttachment, language: str | None = None
) -> tuple[InboundAttachment, frozenset[str]]:
    """The file with every secret removed from its name and, for a text file, its text;
    and the kinds of secret removed.

    A text file keeps its encoding, byte order mark and line breaks: only the secrets
    change. Bytes that do not read as text are left for the type check, which refuses a
    file named or declared as text that cannot be read.
    """
    name = redact(upload.filename, language)
    kinds = _kinds(name)
    content = upload.content
    if text_type(upload.filename, upload.content_type):
        for reading in readings(upload.content, upload.charset):
            result = redact(reading.text, language)
            if result.found:
                content = _written_back(reading, result)
                kinds |= _kinds(result)
                break
    return replace(upload, filename=name.text, content=content), kinds


def _written_back(reading: TextFile, result: Redaction) -> bytes:
    try:
        return reading.encode(result.text)
    except UnicodeEncodeError:
        # A marker in the message's language may have no spelling in a legacy encoding
        # (simplified characters in Big5); the English marker always has one.
        return reading.encode(redact(reading.text, "en").text)


def cut_outside_secrets(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, and before any secret the cut would split.

    Screening comes after a channel cuts an over-long text, and a phrase or key cut short
    is no longer recognisable, yet still gives most of it away (eleven of twelve words).
    """
    if len(text) <= limit:
        return text
    for finding in redact(text).findings:
        if finding.start < limit < finding.end:
            return text[: finding.start]
    return text[:limit]
