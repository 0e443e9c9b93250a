"""Chat frames -> InboundMessage. Validation only: nothing here writes to the database."""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import Conversation
from kefu.core.ids import parse_id
from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.core.null_characters import contains_nul
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.identity import Visitor

# The widget makes ids like "c-<time>-<random>"; anything printable and short will do.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_UPLOADS_PER_MESSAGE = 5
_FLOW_TOKEN = re.compile(r"^[0-9a-fA-F-]{32,36}$")


class FrameError(Exception):
    """A frame the server refuses; `code` is stable, the client maps it to a message."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class ChatMessage:
    client_id: str
    text: str
    upload_ids: tuple[int, ...]
    topic: str
    email: str
    # The token of a guided flow the customer ran in the widget before asking for a person.
    flow: str = ""


def refuse_null_characters(frame: dict[str, Any]) -> None:
    """Any frame (or off-hours form) holding U+0000 anywhere is refused as a whole.

    PostgreSQL cannot store the character; the widget shows the message as not sent, and
    the customer still has the text to send again.
    """
    if contains_nul(frame):
        raise FrameError("bad_text")


def checked_email(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 254:
        raise FrameError("bad_email")
    try:
        validate_email(value.strip())
    except ValidationError:
        raise FrameError("bad_email") from None
    return value.strip()


def parse_message(frame: dict[str, Any]) -> ChatMessage:
    client_id = frame.get("client_id")
    if not isinstance(client_id, str) or not _CLIENT_ID.match(client_id):
        raise FrameError("bad_frame", "client_id")
    text = frame.get("text", "")
    if not isinstance(text, str):
        raise FrameError("bad_frame", "text")
    if len(text) > settings.KEFU_MAX_MESSAGE_CHARS:
        raise FrameError("message_too_long")
    uploads = frame.get("uploads", [])
    if (
        not isinstance(uploads, list)
        or len(uploads) > MAX_UPLOADS_PER_MESSAGE
        or not all(isinstance(upload, int) and parse_id(upload) for upload in uploads)
    ):
        raise FrameError("bad_frame", "uploads")
    if not text.strip() and not uploads:
        raise FrameError("empty_message")
    topic = frame.get("topic") or ""
    if topic not in ("", *Intent.values):
        raise FrameError("bad_frame", "topic")
    return ChatMessage(
        client_id=client_id,
        text=text,
        upload_ids=tuple(uploads),
        topic=topic,
        email=checked_email(frame.get("email")),
        flow=_flow_token(frame.get("flow")),
    )


def _flow_token(value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _FLOW_TOKEN.match(value):
        raise FrameError("bad_frame", "flow")
    return value


def to_inbound(
    message: ChatMessage,
    *,
    inbox: Inbox,
    visitor: Visitor,
    conversation: Conversation | None,
    files: tuple[InboundAttachment, ...],
    contact: Contact | None = None,
) -> InboundMessage:
    kind, value = visitor.identity
    return InboundMessage(
        inbox=inbox,
        text=message.text,
        contact=contact,
        identity_kind=kind,
        identity_value=value,
        contact_name=visitor.name,
        attachments=files,
        # Scoped by the visitor: receive_message drops a second delivery of the same id
        # in this inbox, so a resend after a dropped connection is stored once.
        external_id=f"chat:{visitor.visitor_id}:{message.client_id}",
        conversation=conversation,
        intent=message.topic,
    )


def offline_message(inbox: Inbox, data: dict[str, Any]) -> InboundMessage:
    """The off-hours form: a message and an email, filed under that email like a mail."""
    refuse_null_characters(data)
    email = checked_email(data.get("email"))
    if not email:
        raise FrameError("bad_email")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise FrameError("empty_message")
    topic = data.get("topic") or ""
    if topic not in ("", *Intent.values):
        raise FrameError("bad_frame", "topic")
    language = data.get("language")
    return InboundMessage(
        inbox=inbox,
        text=text,
        identity_kind=IdentityKind.EMAIL,
        identity_value=email,
        intent=topic,
        language=language if language in Language.values else "",
    )
