"""A link command in an X DM: answered at once with a DM holding the code, nothing
stored; the code typed on the portal files the X account under the portal customer."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from kefu.contacts.actions import confirm_link, start_link
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Message
from kefu.inboxes.x.models import XAccount
from tests.inboxes.x import wire
from tests.inboxes.x.conftest import post
from tests.inboxes.x.x_server import XServer

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b(\d{6})\b")
CUSTOMER = "1700000000000000042"
SEND = f"/2/dm_conversations/with/{CUSTOMER}/messages"


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="en")


def _sent_dm(x_server: XServer) -> str:
    (request,) = x_server.requests_to(SEND)
    body = request.json()
    assert isinstance(body, dict)
    return str(body["text"])


def test_a_link_command_gets_the_code_by_dm_and_links(
    client: Client, account: XAccount, x_server: XServer, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.X).token
    # X's DM composer deep link types "link-TOKEN" for the customer.
    body = wire.payload(wire.dm_event("9001", CUSTOMER, f"link-{token}"), **{CUSTOMER: "Alice"})
    assert post(client, account, body).status_code == 200
    code = CODE.search(_sent_dm(x_server))
    assert code is not None
    assert not Message.objects.exists()
    confirm_link(alice, code[1])
    assert ContactIdentity.objects.get(kind=IdentityKind.X, value=CUSTOMER).contact_id == alice.pk


def test_an_unknown_token_is_refused_without_a_code_and_nothing_stored(
    client: Client, account: XAccount, x_server: XServer
) -> None:
    body = wire.payload(wire.dm_event("9002", CUSTOMER, "link K7P2QX9M"), **{CUSTOMER: "Mallory"})
    assert post(client, account, body).status_code == 200
    assert CODE.search(_sent_dm(x_server)) is None
    assert not Message.objects.exists()


def test_an_ordinary_dm_beside_a_link_command_is_stored(
    client: Client, account: XAccount, x_server: XServer, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.X).token
    body = wire.payload(
        wire.dm_event("9003", CUSTOMER, f"link {token}"),
        wire.dm_event("9004", CUSTOMER, "My withdrawal is stuck"),
        **{CUSTOMER: "Alice"},
    )
    assert post(client, account, body).status_code == 200
    assert [m.text for m in Message.objects.all()] == ["My withdrawal is stuck"]
