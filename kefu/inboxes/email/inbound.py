"""A parsed email -> InboundMessage (no database writes), and the `email parse` contract."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kefu.conversations import attachments
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.core.language import detect_language
from kefu.inboxes.email.parsing import ParsedAttachment, ParsedEmail, fallback_id
from kefu.inboxes.models import Inbox
from kefu.safety.ingress import cut_outside_secrets, screen_attachment, screened_id
from kefu.safety.redaction import redact

# The stored original is for reading; a 10 MB text body is cut, not kept whole.
MAX_ORIGINAL_CHARS = 200_000


def _accepted_files(parsed: ParsedEmail) -> tuple[tuple[InboundAttachment, ...], list[str]]:
    """Files within the limits, and a note for each one refused (the rest of the mail is kept)."""
    return attachments.accepted([_upload(part) for part in parsed.attachments])


def _upload(part: ParsedAttachment) -> InboundAttachment:
    return InboundAttachment(part.filename, part.content_type, part.content, charset=part.charset)


def _body(parsed: ParsedEmail, notes: list[str]) -> str:
    # A mail that is only a subject ("提现没到账", empty body) is still a request.
    text = parsed.body_text or (parsed.subject if not parsed.attachments else "")
    limit = settings.KEFU_MAX_MESSAGE_CHARS - 500  # room for the notes below
    if len(text) > limit:
        notes.append(
            _("[The message was cut after %(count)s characters; the agent can open the original.]")
            % {"count": limit}
        )
        text = cut_outside_secrets(text, limit)
    return "\n\n".join(part for part in [text, *notes] if part)


def original_text(parsed: ParsedEmail) -> str:
    """What an agent sees on "show original": the headers that matter and the whole text."""
    headers = [
        f"From: {parsed.sender_name} <{parsed.sender}>",
        f"To: {', '.join(parsed.to)}",
        f"Date: {parsed.date}",
        f"Subject: {parsed.subject}",
    ]
    return cut_outside_secrets("\n".join(headers) + "\n\n" + parsed.full_text, MAX_ORIGINAL_CHARS)


def to_inbound(parsed: ParsedEmail, inbox: Inbox, raw: bytes) -> InboundMessage:
    files, notes = _accepted_files(parsed)
    bounce = parsed.bounce
    return InboundMessage(
        inbox=inbox,
        identity_kind="email",
        identity_value=parsed.sender,
        contact_name=parsed.sender_name,
        subject=parsed.subject,
        text=_body(parsed, notes),
        # The HTML shows the quoted history too; when that was cut from the text, agents
        # read the text and open the original for the rest.
        html=parsed.html if parsed.body_text == parsed.full_text else "",
        attachments=files,
        external_id=parsed.message_id or fallback_id(raw),
        thread_refs=tuple(ref for ref in (parsed.in_reply_to, *reversed(parsed.references)) if ref),
        # A plus-address (support+K-000123@…) carries the ticket number as well as a subject.
        reference_hint=" ".join([parsed.subject, *parsed.to]),
        deduplicate=True,
        acknowledge=not parsed.auto_submitted,
        original=original_text(parsed),
        # A delayed-delivery notice (4.x.x) is not a failure yet: the MTA keeps trying.
        bounce_of=bounce.original_ids if bounce is not None and bounce.permanent else (),
        bounce_reason=bounce.reason if bounce is not None else "",
    )


def contract(parsed: ParsedEmail) -> dict[str, Any]:
    """The `kefu email parse --json` object (DESIGN §6): redacted, quotes removed."""
    language = detect_language(parsed.subject + "\n" + parsed.body_text)
    subject = redact(parsed.subject, language)
    body = redact(parsed.body_text, language)
    files = [screen_attachment(_upload(part), language) for part in parsed.attachments]
    return {
        "subject": subject.text,
        "from": parsed.sender,
        "to": list(parsed.to),
        "message_id": screened_id(parsed.message_id),
        "in_reply_to": screened_id(parsed.in_reply_to),
        "references": [screened_id(ref) for ref in parsed.references],
        "language": language,
        "body_text": body.text,
        "redacted": bool(subject.findings or body.findings or any(kinds for _f, kinds in files)),
        "attachments": [
            {
                "filename": screened.filename,
                "content_type": part.content_type,
                "size": len(part.content),
            }
            for (screened, _kinds), part in zip(files, parsed.attachments, strict=True)
        ],
        "auto_submitted": parsed.auto_submitted,
        "bounce": parsed.bounce is not None,
    }
