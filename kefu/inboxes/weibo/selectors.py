"""Reads of the Weibo channel."""

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation


def fan_uid(conversation: Conversation) -> str | None:
    """The uid of the fan a conversation is with (Weibo's receiver_id for replies)."""
    identity = (
        ContactIdentity.objects.filter(contact_id=conversation.contact_id, kind=IdentityKind.WEIBO)
        .order_by("-created_at")
        .first()
    )
    return identity.value if identity else None


def latest_conversation(inbox_id: int, uid: str) -> Conversation | None:
    """The fan's newest conversation on this account: Weibo private messages have no
    threads, so every message joins it (receive_message opens a follow-up when closed)."""
    return (
        Conversation.objects.filter(
            inbox_id=inbox_id,
            contact__identities__kind=IdentityKind.WEIBO,
            contact__identities__value=uid,
        )
        .order_by("-pk")
        .first()
    )
