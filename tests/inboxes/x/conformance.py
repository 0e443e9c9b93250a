"""The X channel's conformance driver: X's signed Account Activity POST to the webhook,
replies against the local X server (which checks each request's OAuth signature).

A DM's file is not downloaded (kefu/inboxes/x/inbound.py says why): it arrives as a
photo whose link X appends to the text, and becomes a note. X names a DM's files
itself, so the customer names none (names_files = False).
"""

import hashlib
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pytest
from django.test import Client

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel
from kefu.inboxes.x.models import XAccount
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation
from tests.inboxes.x import wire
from tests.inboxes.x.conftest import make_account, post
from tests.inboxes.x.x_server import XServer, serve
from tests.platform_server import started

SEND = "/2/dm_conversations/with/"

NOT_APPLICABLE = {
    "test_a_refused_file_is_noted_and_the_message_kept": (
        "X DM files are never downloaded, so none is refused: each is a note"
    ),
}


def _user_id(sender: str) -> str:
    # X's ids are numbers; the same sender is the same id.
    return str(int(hashlib.sha256(sender.encode()).hexdigest(), 16))[:19]


def _event_id(delivery_id: str) -> str:
    return str(int(hashlib.sha256(delivery_id.encode()).hexdigest(), 16))[:19]


@dataclass
class XDriver:
    account: XAccount
    server: XServer
    channel: str = Channel.X
    names_files = False

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        text, media = delivery.text, None
        if delivery.file is not None:
            media = wire.photo()
            text = f"{text} {media['url']}".strip()
        event = wire.dm_event(_event_id(delivery.delivery_id), _user_id(delivery.sender), text,
                              media=media)  # fmt: skip
        body = wire.payload(event, **{_user_id(delivery.sender): delivery.sender})
        signature = wire.sign(body, secret="forged-secret") if forged else ""
        return post(Client(), self.account, body, signature).status_code

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.X, _user_id(sender))

    def fail_outbound(self) -> AbstractContextManager[None]:
        return self.server.failing(SEND, 503, {"title": "Service Unavailable", "status": 503})

    def close_window(self, conversation: Conversation) -> None:
        # What deliver() does when X answers 403 "You cannot send messages to this user".
        identity = conversation.contact.identities.get(kind=IdentityKind.X)
        mark_unreachable(
            IdentityKind.X, identity.value, reason="You cannot send messages to this user."
        )


def driver(request: pytest.FixtureRequest) -> XDriver:
    request.getfixturevalue("db")
    settings = request.getfixturevalue("settings")
    server = started(request, serve())
    settings.KEFU_X_API_URL = server.url
    return XDriver(account=make_account(), server=server)
