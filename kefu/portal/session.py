"""The signed-in customer of a portal session."""

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from kefu.contacts.actions import surviving
from kefu.contacts.models import Contact

CONTACT_SESSION_KEY = "portal_contact_id"
SIGNED_IN_AT_SESSION_KEY = "portal_signed_in_at"


def sign_in(request: HttpRequest, contact: Contact) -> None:
    # A new session id on sign-in, so a session id planted before cannot ride along.
    request.session.cycle_key()
    request.session[CONTACT_SESSION_KEY] = contact.pk
    request.session[SIGNED_IN_AT_SESSION_KEY] = timezone.now().isoformat()


def sign_out(session: SessionBase) -> None:
    session.flush()


def current_contact(request: HttpRequest) -> Contact | None:
    contact_id = request.session.get(CONTACT_SESSION_KEY)
    if not isinstance(contact_id, int):
        return None
    contact = Contact.objects.filter(pk=contact_id).first()
    return surviving(contact) if contact is not None else None
