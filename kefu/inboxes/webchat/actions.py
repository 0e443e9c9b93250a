"""Writes the live chat makes besides the message itself (which receive_message stores)."""

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from kefu.contacts.actions import add_identity
from kefu.contacts.identities import normalize
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations import attachments
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Conversation, Message
from kefu.conversations.search import indexing as search_index
from kefu.core import throttle
from kefu.core.events import conversation_group, publish_on_commit
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat import selectors
from kefu.inboxes.webchat.identity import Visitor
from kefu.inboxes.webchat.inbound import FrameError
from kefu.inboxes.webchat.models import ChatSession, EmailCheck, Upload
from kefu.safety.ingress import screen_attachment

EMAIL_CODE_LIFETIME = timedelta(minutes=15)
# Six digits are guessable at scale; a few tries and the code is burnt.
EMAIL_CODE_MAX_ATTEMPTS = 5

# Mails a chat sends at its visitor's request: transcripts, and the codes that verify an
# address for them. A person needs two for a transcript; whoever would use the chat to
# mail someone else is stopped per visitor, per network address and per recipient.
MAILS_PER_VISITOR = throttle.Limit("webchat.mail-visitor", attempts=5, window_seconds=3600)
MAILS_PER_IP = throttle.Limit("webchat.mail-ip", attempts=10, window_seconds=3600)
MAILS_PER_RECIPIENT = throttle.Limit("webchat.mail-recipient", attempts=3, window_seconds=3600)

TranscriptStep = Literal["queued", "code_sent"]


def _remember_email(contact: Contact, email: str) -> None:
    """Keep an email the visitor offered, unverified, if nobody else holds it.

    It is never used to find a contact: typing someone's address into a chat must not
    file the chat under their record (an agent can merge contacts once verified).
    """
    value = normalize(IdentityKind.EMAIL, email)
    if not ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=value).exists():
        add_identity(contact, IdentityKind.EMAIL, value)
        # The agent searching for that address finds the chat.
        search_index.refresh_contact(contact)


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
    """Screen, check and keep a visitor's file until a chat message references it.

    Screened here, not only when the message arrives: the file waits on disk until then,
    and no unscreened byte may. The kinds of secret removed wait with it.
    """
    screened, kinds = screen_attachment(upload)
    content_type = attachments.check(screened)
    stored = Upload(
        inbox=inbox,
        visitor=visitor_id,
        filename=screened.filename[:255],
        content_type=content_type,
        size=len(screened.content),
        kinds_removed=sorted(kinds),
    )
    stored.file.save(screened.filename, ContentFile(screened.content), save=False)
    stored.save()
    return stored


def discard_uploads(*, inbox_id: int, visitor_id: str, ids: Sequence[int]) -> None:
    """Drop uploads once their message stored them as attachments."""
    for upload in Upload.objects.filter(pk__in=ids, inbox_id=inbox_id, visitor=visitor_id):
        upload.file.delete(save=False)
        upload.delete()


def _code_digest(code: str) -> str:
    return salted_hmac("kefu.webchat.email-code", code).hexdigest()


def _reserve_mail(visitor: Visitor, address: str, recipient: str) -> None:
    """Count one mail against every limit, or refuse it (also when it cannot be counted)."""
    kind, value = visitor.identity
    try:
        allowed = (
            throttle.reserve(MAILS_PER_RECIPIENT, recipient)
            and throttle.reserve(MAILS_PER_IP, address)
            and throttle.reserve(MAILS_PER_VISITOR, f"{visitor.inbox_id}:{kind}:{value}")
        )
    except throttle.CounterUnavailable as error:
        raise FrameError("unavailable") from error
    if not allowed:
        raise FrameError("too_many_emails")


def request_transcript(
    *, conversation: Conversation, visitor: Visitor, email: str, address: str
) -> TranscriptStep:
    """Mail the transcript to `email` if the chat has verified it; else mail it a code.

    The code mail says only that a transcript was asked for, in our words: nothing the
    visitor wrote reaches an address before its owner has typed the code into the chat.
    """
    # The jobs call back into this module (the code is issued in the worker, not here).
    from kefu.inboxes.webchat.tasks import send_email_code, send_transcript

    recipient = normalize(IdentityKind.EMAIL, email)
    verified = recipient in selectors.verified_emails(visitor, conversation)
    _reserve_mail(visitor, address, recipient)
    if verified:
        send_transcript.enqueue(conversation.pk, recipient)
        return "queued"
    send_email_code.enqueue(visitor.inbox_id, visitor.visitor_id, recipient, conversation.language)
    return "code_sent"


def issue_email_code(*, inbox_id: int, visitor_id: str, email: str) -> str:
    """A new code for `email` (older unused ones stop working); only its hash is stored.

    Called by the job that mails it, so the code itself is never kept in the job queue.
    """
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        EmailCheck.objects.filter(
            inbox_id=inbox_id, visitor=visitor_id, email=email, verified_at__isnull=True
        ).delete()
        EmailCheck.objects.create(
            inbox_id=inbox_id,
            visitor=visitor_id,
            email=email,
            code_hash=_code_digest(code),
            expires_at=timezone.now() + EMAIL_CODE_LIFETIME,
        )
    return code


def _check_email_code(visitor: Visitor, email: str, code: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        check = (
            EmailCheck.objects.select_for_update()
            .filter(
                inbox_id=visitor.inbox_id,
                visitor=visitor.visitor_id,
                email=email,
                verified_at__isnull=True,
                expires_at__gt=now,
            )
            .order_by("-pk")
            .first()
        )
        if check is None:
            raise FrameError("code_expired")
        if constant_time_compare(check.code_hash, _code_digest("".join(code.split()))):
            check.verified_at = now
            check.save(update_fields=["verified_at"])
            return
        check.attempts += 1
        if check.attempts >= EMAIL_CODE_MAX_ATTEMPTS:
            check.expires_at = now
        check.save(update_fields=["attempts", "expires_at"])
    # Raised after the block: the count of wrong tries must commit, not roll back.
    raise FrameError("bad_code")


def confirm_transcript_email(
    *, conversation: Conversation, visitor: Visitor, email: str, code: str, address: str
) -> None:
    """Check the code mailed to `email`; if right, the address is verified and the
    transcript goes there (the visitor's later transcripts may go there without a code)."""
    from kefu.inboxes.webchat.tasks import send_transcript

    recipient = normalize(IdentityKind.EMAIL, email)
    if recipient not in selectors.verified_emails(visitor, conversation):
        _check_email_code(visitor, recipient, code)
    _reserve_mail(visitor, address, recipient)
    send_transcript.enqueue(conversation.pk, recipient)


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
