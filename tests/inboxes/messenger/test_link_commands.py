"""A link command on Messenger (typed, or an m.me ref): answered at once through the Send
API with the code, nothing queued or stored."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from kefu.contacts.actions import confirm_link, start_link
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Message
from kefu.inboxes.messenger.inbound import GET_STARTED
from kefu.inboxes.messenger.models import FacebookPage
from tests.inboxes.messenger import wire
from tests.inboxes.messenger.graph_server import PAGE_ID, GraphServer, path

pytestmark = pytest.mark.django_db

Post = Callable[..., Any]
CODE = re.compile(r"\b(\d{6})\b")
PSID = "6512345678901234"
SEND = path(f"{PAGE_ID}/messages")


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="zh-Hans")


def _linked(alice: Contact, graph_server: GraphServer) -> None:
    (request,) = graph_server.requests_to(SEND)
    body = request.json()
    assert isinstance(body, dict)
    assert body["recipient"] == {"id": PSID}
    code = CODE.search(body["message"]["text"])
    assert code is not None
    assert not DBTaskResult.objects.exists()
    assert not Message.objects.exists()
    confirm_link(alice, code[1])
    identity = ContactIdentity.objects.get(kind=IdentityKind.MESSENGER, value=PSID)
    assert identity.contact_id == alice.pk


def test_a_typed_link_command_gets_the_code_and_links(
    page: FacebookPage, messenger_post: Post, alice: Contact, graph_server: GraphServer
) -> None:
    graph_server.reply(SEND, 200, {"recipient_id": PSID, "message_id": "m_code"})
    token = start_link(alice, IdentityKind.MESSENGER).token
    event = wire.message(PSID, "m_link", f"link {token}")
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    _linked(alice, graph_server)


@pytest.mark.parametrize("how", ["referral", "get_started"])
def test_an_m_me_ref_is_a_link_command_too(
    page: FacebookPage, messenger_post: Post, alice: Contact, graph_server: GraphServer, how: str
) -> None:
    graph_server.reply(SEND, 200, {"recipient_id": PSID, "message_id": "m_code"})
    token = start_link(alice, IdentityKind.MESSENGER).token
    referral = {"ref": f"link-{token}", "source": "SHORTLINK", "type": "OPEN_THREAD"}
    event: dict[str, Any]
    if how == "referral":
        event = {"sender": {"id": PSID}, "recipient": {"id": PAGE_ID}, "timestamp": 1,
                 "referral": referral}  # fmt: skip
    else:
        event = wire.postback(PSID, GET_STARTED)
        event["postback"]["referral"] = referral
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    _linked(alice, graph_server)


def test_an_unknown_token_is_refused_without_a_code_and_nothing_stored(
    page: FacebookPage,
    messenger_post: Post,
    graph_server: GraphServer,
    run_tasks: Callable[[], None],
) -> None:
    graph_server.reply(SEND, 200, {"recipient_id": PSID, "message_id": "m_no"})
    event = wire.message(PSID, "m_bad", "link K7P2QX9M")
    assert messenger_post(page, wire.batch(wire.entry(event))).status_code == 200
    run_tasks()
    (request,) = graph_server.requests_to(SEND)
    assert CODE.search(request.body.decode()) is None
    assert not Message.objects.exists()
