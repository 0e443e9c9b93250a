"""The Calls panel of a conversation page: its calls with their timelines, and the numbers
an agent may call the customer on."""

from typing import Any

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.phone.models import Call


def customer_numbers(contact: Contact | None) -> list[str]:
    """The customer's own phone numbers (E.164): the only ones click-to-call dials."""
    if contact is None:
        return []
    return [
        identity.value
        for identity in contact.identities.all()
        if identity.kind == IdentityKind.PHONE and identity.value.startswith("+")
    ]


def calls_context(conversation: Conversation) -> dict[str, Any]:
    calls = (
        Call.objects.filter(conversation=conversation)
        .select_related("agent")
        .prefetch_related("events__agent")
        .order_by("-started_at", "-pk")
    )
    return {"calls": list(calls), "call_numbers": customer_numbers(conversation.contact)}
