"""Raw RFC 5322 bytes -> a ParsedEmail: decoded headers, text, HTML, files, loop and bounce signals.

The stdlib parser with the modern policy does the MIME work; headers and parts are
decoded here through `charsets` because Chinese clients mislabel their charsets, and
the policy's own decoding replaces what it cannot read.
"""

import email
import functools
import hashlib
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from kefu.core import charsets
from kefu.core.null_characters import without_nul
from kefu.inboxes.email import quotes
from kefu.inboxes.email.bounces import Bounce, find_bounce
from kefu.inboxes.email.htmltext import html_to_text
from kefu.inboxes.email.loops import is_automated


class _HeadersParsedOnce(HeaderRegistry):
    """The modern policy parses a header again each time it is read, and a part's
    Content-Type is read about eight times (type, charset, file name, payload, bounce and
    loop checks). A parsed header is immutable, so one parse per distinct value serves
    every read, and the few values most mail repeats ("text/plain; charset=utf-8")."""

    def __init__(self) -> None:
        super().__init__()
        self._parsed = functools.lru_cache(maxsize=512)(super().__call__)

    def __call__(self, name: str, value: str) -> BaseHeader:
        return self._parsed(name, value)


_POLICY = policy.default.clone(header_factory=_HeadersParsedOnce())


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    # Shown inside the HTML body (cid: image) rather than offered as a download.
    inline: bool = False
    # The declared charset of a text file, for screening its content.
    charset: str = ""


@dataclass(frozen=True)
class ParsedEmail:
    subject: str = ""
    sender: str = ""
    sender_name: str = ""
    to: tuple[str, ...] = ()
    date: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    # The whole text part (quoted history included), and the new content only.
    full_text: str = ""
    body_text: str = ""
    html: str = ""
    attachments: tuple[ParsedAttachment, ...] = ()
    auto_submitted: bool = False
    bounce: Bounce | None = None
    # What the parser could not read, for the agent and the CLI; never fatal.
    defects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def readable(self) -> bool:
        return bool(self.sender or self.subject or self.message_id or self.attachments)


def header_text(raw: object) -> str:
    """A header value as text: RFC 2047 words and raw 8-bit bytes decoded, lines unfolded."""
    value = str(raw or "")
    if "=?" not in value:
        text = charsets.decode(value.encode("utf-8", "surrogateescape"), None)
    else:
        chunks = []
        for chunk, charset in decode_header(value):
            if isinstance(chunk, bytes):
                chunks.append(charsets.decode(chunk, charset))
            else:
                chunks.append(chunk)
        text = "".join(chunks)
    return " ".join(without_nul(text).split())


def _raw_header(message: EmailMessage, name: str) -> str:
    # raw_items() keeps the undecoded value, so the decoding choices stay ours.
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _message_ids(value: str) -> tuple[str, ...]:
    ids = []
    for token in without_nul(value).replace(",", " ").split():
        token = token.strip()
        if token.startswith("<") and token.endswith(">") and len(token) > 2:
            ids.append(token[1:-1])
    if not ids and value.strip() and " " not in value.strip():
        ids.append(value.strip().strip("<>"))  # a bare id some clients send
    return tuple(ids)


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    raw = header_text(_raw_header(message, name))
    return [(real, addr.lower()) for real, addr in getaddresses([raw]) if "@" in addr]


def _part_bytes(part: EmailMessage) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename() or ""
    except (TypeError, ValueError, IndexError):
        name = ""
    if "=?" in name or any(0xDC80 <= ord(c) <= 0xDCFF for c in name):
        # RFC 2047 inside a parameter (not allowed, sent by most Chinese clients) or raw 8-bit.
        name = header_text(name)
    return without_nul(name).strip()


def _body_parts(
    message: EmailMessage, defects: list[str]
) -> tuple[str, str, list[ParsedAttachment]]:
    text, html = "", ""
    files: list[ParsedAttachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if content_type.startswith("multipart/"):
            # A multipart whose boundary never appears: the parser leaves it as one text
            # blob, which is the only content there is.
            defects.append("multipart without parts")
            content_type = "text/plain"
        disposition = part.get_content_disposition()
        name = _filename(part)
        if content_type.startswith("message/") or (part is not message and _is_report_part(part)):
            continue
        if disposition != "attachment" and not name and content_type == "text/plain" and not text:
            text = charsets.decode(_part_bytes(part), part.get_content_charset())
        elif disposition != "attachment" and not name and content_type == "text/html" and not html:
            html = charsets.decode(_part_bytes(part), part.get_content_charset())
        elif disposition == "attachment" or name or not content_type.startswith("text/"):
            content = _part_bytes(part)
            inline = disposition == "inline" or bool(part.get("Content-ID"))
            files.append(
                ParsedAttachment(
                    filename=name or _fallback_name(content_type, len(files) + 1),
                    content_type=content_type,
                    content=content,
                    inline=inline,
                    charset=part.get_content_charset() or "",
                )
            )
    for defect in message.defects:
        defects.append(type(defect).__name__)
    return text, html, files


def _is_report_part(part: EmailMessage) -> bool:
    return part.get_content_type() in ("text/rfc822-headers", "message/delivery-status")


def _fallback_name(content_type: str, number: int) -> str:
    extension = content_type.partition("/")[2] or "bin"
    return f"attachment-{number}.{extension}"


def fallback_id(raw: bytes) -> str:
    """A stable id for a message without a Message-ID, so a second delivery is still a duplicate."""
    return "sha256-" + hashlib.sha256(raw).hexdigest()[:40] + "@kefu.invalid"


def parse(raw: bytes) -> ParsedEmail:
    """Parse one message; a malformed one yields what could be read, noted in `defects`."""
    defects: list[str] = []
    try:
        message = email.message_from_bytes(raw, policy=_POLICY)
    except Exception as error:  # the parser itself should not fail, but mail is hostile
        return ParsedEmail(defects=(f"unparseable: {error}",))
    assert isinstance(message, EmailMessage)
    senders = _addresses(message, "From") or _addresses(message, "Sender")
    sender_name, sender = senders[0] if senders else ("", "")
    if not sender:
        fallback = parseaddr(header_text(_raw_header(message, "Return-Path")))[1]
        sender = fallback.lower() if "@" in fallback else ""
    subject = header_text(_raw_header(message, "Subject"))
    try:
        text, html, files = _body_parts(message, defects)
    except Exception as error:  # a broken MIME tree: keep the headers, note it
        defects.append(f"body: {error}")
        text, html, files = "", "", []
    if not text and html:
        text = html_to_text(html)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    message_ids = _message_ids(_raw_header(message, "Message-ID"))
    in_reply_to = _message_ids(_raw_header(message, "In-Reply-To"))
    bounce = None
    try:
        bounce = find_bounce(message, sender, subject)
    except Exception as error:  # an unreadable report is then just a message
        defects.append(f"bounce: {error}")
    return ParsedEmail(
        subject=subject,
        sender=sender,
        sender_name=sender_name.strip(),
        to=tuple(addr for _, addr in _addresses(message, "To") + _addresses(message, "Cc")),
        date=header_text(_raw_header(message, "Date")),
        message_id=message_ids[0] if message_ids else "",
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=_message_ids(_raw_header(message, "References")),
        full_text=text.strip(),
        body_text=quotes.new_content(text) if text.strip() else "",
        html=html,
        attachments=tuple(files),
        auto_submitted=is_automated(message, sender) or bounce is not None,
        bounce=bounce,
        defects=tuple(defects),
    )
