"""Conversations on a channel with a reply-window rule (WeChat: 48 hours, 20 messages),
for the console's and the API's tests of the composer line and the refusals."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.inboxes.models import Channel, Inbox


def wechat_conversation(
    conversation_factory: Callable[..., Conversation],
    *,
    heard_ago: timedelta = timedelta(hours=1),
    sent: int = 0,
    email: str = "",
) -> Conversation:
    """A WeChat conversation whose customer last wrote `heard_ago`, answered `sent` times;
    `email`: the customer's address (offered when the window is closed)."""
    inbox = Inbox.objects.create(name="WeChat", channel=Channel.WECHAT)
    conversation = conversation_factory(inbox=inbox, channel=Channel.WECHAT)
    if email:
        Contact.objects.filter(pk=conversation.contact_id).update(email=email)
        conversation.contact.email = email
    heard = timezone.now() - heard_ago
    Message.objects.filter(conversation=conversation).update(created_at=heard)
    # created_at is set on insert (auto_now_add), so the replies are moved after it.
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            kind=MessageKind.OUTBOUND,
            text=f"回复 {n}",
            delivery_status=DeliveryStatus.SENT,
        )
        for n in range(sent)
    )
    Message.objects.filter(conversation=conversation, kind=MessageKind.OUTBOUND).update(
        created_at=heard + timedelta(seconds=1)
    )
    return conversation
