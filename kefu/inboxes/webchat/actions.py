"""Writes the live chat makes besides the message itself (which receive_message stores)."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kefu.contacts.identities import normalize
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations import attachments
from kefu.conversations.models import Conversation, Message
from kefu.core.events import conversation_group, publish_on_commit
from kefu.inboxes.base import InboundAttachment
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.identity import Visitor
from kefu.inboxes.webchat.models import ChatSession, Upload
from kefu.safety.redaction import redact


def _remember_email(contact: Contact, email: str) -> None:
    """Keep an email the visitor offered, unverified, if nobody else holds it.

    It is never used to find a contact: typing someone's address into a chat must not
    file the chat under their record (an agent can merge contacts once verified).
    """
    value = normalize(IdentityKind.EMAIL, email)
    if not ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=value).exists():
        ContactIdentity.objects.create(
            contact=contact, kind=IdentityKind.EMAIL, value=value, verified=False
        )


def open_chat(*, message: Message, visitor: Visitor, email: str = "") -> ChatSession:
    """Mark the conversation of a chat's first message as a live chat."""
    with transaction.atomic():
        chat, _ = ChatSession.objects.get_or_create(
            conversation=message.conversation, defaults={"visitor": visitor.visitor_id}
        )
        if email:
            _remember_email(message.conversation.contact, email)
    return chat


def mark_read(*, conversation: Conversation, by_agent: bool, seq: int) -> bool:
    """Move a side's read mark forward to `seq`; tell the other side. False if nothing moved."""
    field = "agent_read_seq" if by_agent else "customer_read_seq"
    with transaction.atomic():
        moved = ChatSession.objects.filter(
            conversation=conversation,
            **{f"{field}__lt": seq},
            # Nobody reads past the last message.
            conversation__last_seq__gte=seq,
        ).update(**{field: seq})
        if moved:
            publish_on_commit(
                [conversation_group(conversation.pk)],
                {
                    "kind": "chat.read",
                    "conversation_id": conversation.pk,
                    "who": "agent" if by_agent else "customer",
                    "seq": seq,
                },
            )
    return bool(moved)


def store_upload(*, inbox: Inbox, visitor_id: str, upload: InboundAttachment) -> Upload:
    """Check and keep a visitor's file until a chat message references it."""
    content_type = attachments.check(upload)
    stored = Upload(
        inbox=inbox,
        visitor=visitor_id,
        filename=redact(upload.filename[:255]).text[:255],
        content_type=content_type,
        size=len(upload.content),
    )
    stored.file.save(upload.filename, ContentFile(upload.content), save=False)
    stored.save()
    return stored


def discard_uploads(*, inbox_id: int, visitor_id: str, ids: Sequence[int]) -> None:
    """Drop uploads once their message stored them as attachments."""
    for upload in Upload.objects.filter(pk__in=ids, inbox_id=inbox_id, visitor=visitor_id):
        upload.file.delete(save=False)
        upload.delete()


# One sweep deletes at most this many; the next sweep takes the rest.
_ORPHAN_BATCH = 500


def sweep_orphan_uploads(now: datetime | None = None) -> int:
    """Delete uploads no message referenced within KEFU_UPLOAD_ORPHAN_HOURS, file and row.

    A referenced upload is discarded as soon as its message stores it, so every row this
    old is one the visitor never sent (a closed tab, an abandoned chat). Returns how many.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.KEFU_UPLOAD_ORPHAN_HOURS)
    deleted = 0
    for upload in Upload.objects.filter(created_at__lt=cutoff).order_by("pk")[:_ORPHAN_BATCH]:
        # The row goes first: a file left behind by a crash here is only bytes, while a
        # row whose file is gone would break the message that still referenced it.
        if Upload.objects.filter(pk=upload.pk).delete()[0]:
            upload.file.delete(save=False)
            deleted += 1
    return deleted
