"""Delivery-status notifications (RFC 3464): which of our messages failed, and why."""

import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from kefu.core.null_characters import without_nul

_MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery status notification|returned mail|delivery failure|failure notice"
    r"|系统退信|退信|未能送达|無法傳遞|无法投递",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Bounce:
    # Message-IDs (without angle brackets) of the messages that could not be delivered.
    original_ids: tuple[str, ...]
    recipient: str
    reason: str
    permanent: bool


def _ids(text: str) -> tuple[str, ...]:
    return tuple(found.strip("<>") for found in _MESSAGE_ID.findall(text))


def _part_text(part: Message) -> str:
    # U+0000 is dropped as everywhere in a mail's decoded text (charsets.decode).
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return without_nul(payload.decode("utf-8", errors="replace"))
    # message/* parts hold parsed sub-messages rather than bytes
    inner = part.get_payload()
    if isinstance(inner, list):
        return without_nul("\n".join(str(sub) for sub in inner))
    return without_nul(str(inner))


def _dsn_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and last:
            fields[last] += " " + line.strip()  # a folded (continued) field
            continue
        name, colon, value = line.partition(":")
        last = ""
        if colon and name.strip() and name.strip().lower() not in fields:
            last = name.strip().lower()
            fields[last] = value.strip()
    return fields


def find_bounce(message: EmailMessage, sender: str, subject: str) -> Bounce | None:
    """The bounce this message reports, or None when it is not a bounce."""
    is_report = message.get_content_type() == "multipart/report"
    heuristic = sender.lower().startswith(("mailer-daemon@", "postmaster@")) or bool(
        _BOUNCE_SUBJECTS.search(subject)
    )
    if not is_report and not heuristic:
        return None
    status_text, original = "", ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/delivery-status", "message/global-delivery-status"):
            status_text = _part_text(part)
        elif content_type in ("message/rfc822", "text/rfc822-headers", "message/global"):
            original = _part_text(part)
    fields = _dsn_fields(status_text)
    if is_report and not fields and not original:
        return None
    if not original:
        # A non-standard bounce quotes the original in its text; look for its header there.
        body = message.get_body(preferencelist=("plain",))
        original = _part_text(body) if body is not None else ""
    ids = _ids(original)
    if not ids:
        return None
    status = fields.get("status", "")
    return Bounce(
        original_ids=ids,
        recipient=fields.get("final-recipient", "").partition(";")[2].strip(),
        reason=fields.get("diagnostic-code", "").partition(";")[2].strip() or status,
        # 4.x.x is a delayed delivery the MTA keeps trying; only 5.x.x is final.
        permanent=not status.startswith("4"),
    )
