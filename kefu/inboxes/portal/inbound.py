"""Help-center portal forms -> InboundMessage."""

from kefu.contacts.models import Contact
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox


def portal_inbox() -> Inbox:
    inbox = Inbox.objects.filter(channel=Channel.PORTAL, is_active=True).order_by("pk").first()
    if inbox is None:
        inbox = Inbox.objects.create(name="Help center", channel=Channel.PORTAL)
    return inbox


def from_form(
    *,
    contact: Contact,
    text: str,
    subject: str = "",
    intent: str = "",
    conversation: Conversation | None = None,
    files: tuple[InboundAttachment, ...] = (),
    submission: str = "",
) -> InboundMessage:
    return InboundMessage(
        inbox=conversation.inbox if conversation is not None else portal_inbox(),
        contact=contact,
        text=text,
        subject=subject,
        intent=intent,
        conversation=conversation,
        attachments=files,
        # The form's one-time id: a post sent twice is stored once.
        external_id=f"portal:{submission}" if submission else "",
        language=contact.language if conversation is None else conversation.language,
    )
