"""Reads for the chat: the visitor's current chat, and messages as frames."""

from typing import Any

from django.core import signing
from django.urls import reverse

from kefu.contacts.actions import surviving
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Attachment, Conversation, Message, MessageKind, Status
from kefu.inboxes.webchat.identity import Visitor
from kefu.inboxes.webchat.inbound import FrameError
from kefu.inboxes.webchat.models import EmailCheck, Upload

_FILE_SALT = "kefu.webchat.file"
# Links in frames are re-issued on every resume, so a day is plenty.
FILE_LINK_MAX_AGE = 24 * 3600
# One resume sends at most this many; the client asks again from the last one it got.
RESUME_BATCH = 200

_AUTHOR = {MessageKind.INBOUND: "customer", MessageKind.OUTBOUND: "agent"}


def current_chat(visitor: Visitor) -> Conversation | None:
    """The visitor's latest conversation on this inbox that is not closed."""
    kind, value = visitor.identity
    identity = (
        ContactIdentity.objects.select_related("contact").filter(kind=kind, value=value).first()
    )
    if identity is None:
        return None
    contact = surviving(identity.contact)
    conversation = (
        Conversation.objects.filter(contact=contact, inbox_id=visitor.inbox_id)
        .select_related("assignee")
        .order_by("-pk")
        .first()
    )
    while conversation is not None and conversation.merged_into_id is not None:
        conversation = Conversation.objects.select_related("assignee").get(
            pk=conversation.merged_into_id
        )
    if conversation is None or conversation.status == Status.CLOSED:
        return None
    return conversation


def file_link(attachment: Attachment) -> str:
    token = signing.dumps(attachment.pk, salt=_FILE_SALT)
    return reverse("webchat:file", args=[token])


def attachment_from_link(token: str) -> Attachment | None:
    try:
        pk = signing.loads(token, salt=_FILE_SALT, max_age=FILE_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Attachment.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def agent_summary(conversation: Conversation) -> dict[str, str] | None:
    """What the customer sees of the assigned agent: display name and public agent id."""
    agent = conversation.assignee
    if agent is None:
        return None
    return {"name": agent.display_name or agent.username, "public_id": agent.public_id}


def message_frame(message: Message) -> dict[str, Any]:
    agent = message.author_agent
    client_id = ""
    if message.kind == MessageKind.INBOUND and message.external_id.startswith("chat:"):
        client_id = message.external_id.rsplit(":", 1)[-1]
    return {
        "type": "message",
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "id": message.pk,
        "author": _AUTHOR.get(MessageKind(message.kind), "system"),
        "client_id": client_id,
        "text": message.text,
        "agent": {"name": agent.display_name or agent.username, "public_id": agent.public_id}
        if agent is not None
        else None,
        "attachments": [
            {
                "name": attachment.filename,
                "type": attachment.content_type,
                "size": attachment.size,
                "url": file_link(attachment),
            }
            for attachment in message.attachments.all()
        ],
        "created_at": message.created_at.isoformat(),
    }


def _frames() -> Any:
    return Message.objects.select_related("author_agent").prefetch_related("attachments")


def message_frame_by_id(conversation_id: int, message_id: int) -> dict[str, Any] | None:
    """The frame for one message of this conversation that the customer may see."""
    message = (
        _frames().filter(pk=message_id, conversation_id=conversation_id, seq__isnull=False).first()
    )
    return message_frame(message) if message is not None else None


def frames_after(conversation_id: int, after: int) -> list[dict[str, Any]]:
    messages = _frames().filter(conversation_id=conversation_id, seq__gt=after).order_by("seq")
    return [message_frame(message) for message in messages[:RESUME_BATCH]]


def uploaded_files(
    inbox_id: int, visitor_id: str, ids: tuple[int, ...]
) -> tuple[InboundAttachment, ...]:
    """The visitor's own uploads, read back for the message that references them."""
    if not ids:
        return ()
    uploads = {
        upload.pk: upload
        for upload in Upload.objects.filter(pk__in=ids, inbox_id=inbox_id, visitor=visitor_id)
    }
    if len(uploads) != len(set(ids)):
        raise FrameError("upload_missing")
    files = []
    for pk in ids:
        upload = uploads[pk]
        with upload.file.open("rb") as handle:
            files.append(
                InboundAttachment(
                    upload.filename,
                    upload.content_type,
                    handle.read(),
                    kinds_removed=frozenset(upload.kinds_removed),
                )
            )
    return tuple(files)


def verified_emails(visitor: Visitor, conversation: Conversation) -> set[str]:
    """Where this chat's transcript may be mailed: addresses proved to be the customer's.

    The host site's verified address for its signed-in user, the customer's addresses
    verified elsewhere (a portal sign-in), and those the visitor verified in a chat with
    a mailed code. A transcript carries whatever the chat said, so it never goes to an
    address merely typed in.
    """
    found = {visitor.email} if visitor.email else set()
    found.update(
        ContactIdentity.objects.filter(
            contact=surviving(conversation.contact), kind=IdentityKind.EMAIL, verified=True
        ).values_list("value", flat=True)
    )
    found.update(
        EmailCheck.objects.filter(
            inbox_id=visitor.inbox_id, visitor=visitor.visitor_id, verified_at__isnull=False
        ).values_list("email", flat=True)
    )
    return found
