"""Reads of the WeChat channel."""

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation


def latest_conversation(inbox_id: int, openid: str) -> Conversation | None:
    """The customer's newest conversation on this account: WeChat has no threads, so every
    message joins it (receive_message opens a follow-up when it is closed)."""
    return (
        Conversation.objects.filter(
            inbox_id=inbox_id,
            contact__identities__kind=IdentityKind.WECHAT,
            contact__identities__value=openid,
        )
        .order_by("-pk")
        .first()
    )
