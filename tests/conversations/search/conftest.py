"""Conversations made the way the product makes them (through the actions), so that the
search index is written as it is in production."""

from collections.abc import Callable

import pytest

from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Inbox

Receive = Callable[..., Conversation]


@pytest.fixture
def receive(inbox: Inbox) -> Receive:
    def make(text: str, *, who: str = "zhang.wei@example.com", **fields: object) -> Conversation:
        fields.setdefault("identity_kind", "email")
        fields.setdefault("identity_value", who)
        message = actions.receive_message(
            InboundMessage(inbox=fields.pop("inbox", inbox), text=text, **fields)  # type: ignore[arg-type]
        )
        return message.conversation

    return make
