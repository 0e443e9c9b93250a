"""The portal's conformance driver: a signed-in customer's form posts, CSRF checked.

A sender's first delivery opens a ticket (the new-ticket form), later ones reply on their
newest ticket. A forged post is one without the CSRF token the form carries, from a
browser that is not signed in: what a cross-site forger can send.
"""

from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel
from kefu.inboxes.portal.inbound import portal_inbox
from tests.conftest import portal_client_for
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation, smtp_refused


def _address(sender: str) -> str:
    return f"{sender}@customer.example"


@dataclass
class PortalDriver:
    channel: str = Channel.PORTAL
    clients: dict[str, Client] = field(default_factory=dict)

    def _client(self, sender: str) -> Client:
        if sender not in self.clients:
            contact = Contact.objects.create(name=sender, language="zh-Hans")
            ContactIdentity.objects.create(
                contact=contact, kind=IdentityKind.EMAIL, value=_address(sender)
            )
            client = portal_client_for(contact)
            client.handler.enforce_csrf_checks = True
            self.clients[sender] = client
        return self.clients[sender]

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        client = Client(enforce_csrf_checks=True) if forged else self._client(delivery.sender)
        # The one-time id the form page renders; a resent post carries the same one.
        form: dict[str, object] = {"text": delivery.text, "submission": delivery.delivery_id}
        if delivery.file is not None:
            form["attachment"] = SimpleUploadedFile(
                delivery.file.name, delivery.file.content, delivery.file.content_type
            )
        existing = (
            Conversation.objects.filter(contact__identities__value=_address(delivery.sender))
            .order_by("pk")
            .last()
        )
        if existing is None or forged:
            url = reverse("portal:new_ticket")
            form.update(subject="Help", intent="withdrawal_delayed")
        else:
            url = reverse("portal:reply", args=[existing.reference])
        if not forged:
            # The token the form page hands out, as a browser would send it back.
            client.get(reverse("portal:new_ticket"))
            form["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
        status: int = client.post(url, form).status_code
        # The form answers a stored message with a redirect to the ticket.
        return 200 if status == 302 else status

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.EMAIL, _address(sender))

    def fail_outbound(self) -> AbstractContextManager[None]:
        # The reply waits on the portal; the mail telling the customer of it is what fails.
        return smtp_refused()

    def close_window(self, conversation: Conversation) -> None:
        pytest.skip("the portal takes replies at any time")


def driver(request: pytest.FixtureRequest) -> PortalDriver:
    request.getfixturevalue("db")
    portal_inbox()
    return PortalDriver()
