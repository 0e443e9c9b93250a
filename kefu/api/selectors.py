"""Reads the API needs beyond the conversation selectors: tokens, agents, contacts."""

from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.api.actions import token_hash
from kefu.api.models import ApiToken
from kefu.contacts.actions import surviving
from kefu.contacts.identities import normalize
from kefu.contacts.models import Contact, ContactIdentity
from kefu.conversations.models import Attachment, Conversation
from kefu.core.errors import NotFound


def active_token(key: str) -> ApiToken | None:
    """The usable token for `key`, with what every request needs already joined, or None.

    A token stops working when it is revoked, when the agent it acts as is disabled, or
    when its inbox is switched off: each is a way an administrator cuts an integration off.
    """
    # key_hash is unique: slicing instead of .first() spares the ORDER BY, which costs
    # a quarter of this query's CPU, and it runs on every request.
    found = ApiToken.objects.select_related("acts_as", "inbox", "inbox__default_team").filter(
        key_hash=token_hash(key),
        revoked_at__isnull=True,
        acts_as__is_active=True,
        inbox__is_active=True,
    )[:1]
    return found[0] if found else None


def agent_by_public_id(public_id: str) -> Agent:
    agent = Agent.objects.filter(public_id=public_id.strip().upper()).first()
    if agent is None:
        raise NotFound(_("Agent %(public_id)s was not found.") % {"public_id": public_id})
    return agent


def contact_by_id(contact_id: int) -> Contact:
    contact = Contact.objects.prefetch_related("identities").filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact %(id)s was not found.") % {"id": contact_id})
    return contact


def contacts_by_identities(identities: list[tuple[str, str]]) -> list[Contact]:
    """Contacts holding any of the (kind, value) addresses, in normal form; merges followed."""
    found: dict[int, Contact] = {}
    for kind, value in identities:
        rows = ContactIdentity.objects.select_related("contact").filter(
            kind=kind, value=normalize(kind, value)
        )
        for identity in rows:
            contact = surviving(identity.contact)
            found[contact.pk] = contact
    return list(Contact.objects.prefetch_related("identities").filter(pk__in=found).order_by("pk"))


def attachment_in(conversation: Conversation, attachment_id: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("message")
        .filter(pk=attachment_id, message__conversation=conversation)
        .first()
    )
    if attachment is None:
        raise NotFound(_("Attachment %(id)s was not found.") % {"id": attachment_id})
    return attachment
