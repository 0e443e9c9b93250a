"""Linking from the portal: the contacts action, and what hangs on it above contacts."""

from kefu.contacts.actions import Linked, confirm_link
from kefu.contacts.models import Contact
from kefu.conversations.search import indexing as search_index


def confirm(contact: Contact, code: str) -> Linked:
    """Link the account the code was issued to; the conversations that came with it are
    found in the console's search by this customer's addresses from now on."""
    linked = confirm_link(contact, code)
    if linked.moved:
        search_index.refresh_contact(contact)
    return linked
