"""API requests -> InboundMessage: the API channel's inbound side (no database writes)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import UploadedFile

from kefu.api.schemas import ConversationCreate
from kefu.conversations.attachments import read_upload
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import Conversation
from kefu.core.errors import AttachmentRejected
from kefu.inboxes.models import Inbox

MAX_FILES = 10


def new_conversation(payload: ConversationCreate, inbox: Inbox) -> InboundMessage:
    kind, value = payload.contact.identity()
    return InboundMessage(
        inbox=inbox,
        text=payload.text,
        identity_kind=kind,
        identity_value=value,
        contact_name=payload.contact.name,
        subject=payload.subject,
        external_id=payload.external_id,
        intent=payload.intent.value if payload.intent else "",
        language=payload.contact.language.value if payload.contact.language else "",
    )


def into_conversation(
    conversation: Conversation,
    inbox: Inbox,
    *,
    text: str,
    external_id: str = "",
    files: tuple[InboundAttachment, ...] = (),
) -> InboundMessage:
    """A further message from the conversation's customer.

    Only into the token's own inbox: an integration must not be able to speak as the
    customer in a thread that arrived by email or chat.
    """
    if conversation.inbox_id != inbox.pk:
        raise PermissionDenied(
            _("An integration can add customer messages only to its own inbox's conversations.")
        )
    return InboundMessage(
        inbox=inbox,
        text=text,
        contact=conversation.contact,
        conversation=conversation,
        external_id=external_id,
        attachments=files,
        language=conversation.language,
    )


def attachments_from(files: list[UploadedFile]) -> tuple[InboundAttachment, ...]:
    """Read uploads, refusing too many files, and any file too large before reading it.

    The conversations action checks size and type (415) of what is read.
    """
    if len(files) > MAX_FILES:
        raise AttachmentRejected(
            _("At most %(count)s files can be sent with one message.") % {"count": MAX_FILES}
        )
    return tuple(read_upload(upload) for upload in files)
