"""Reads of the Messenger channel."""

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation


def latest_conversation(inbox_id: int, psid: str) -> Conversation | None:
    """The customer's newest conversation with this page: Messenger has one thread per
    person and page, so every message joins it (receive_message opens a follow-up when
    it is closed)."""
    return (
        Conversation.objects.filter(
            inbox_id=inbox_id,
            contact__identities__kind=IdentityKind.MESSENGER,
            contact__identities__value=psid,
        )
        .order_by("-pk")
        .first()
    )
