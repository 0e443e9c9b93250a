"""Live-chat conversations for the routing tests."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox


@pytest.fixture
def chat_inbox(db: None) -> Inbox:
    return Inbox.objects.create(name="Website chat", channel=Channel.WEBCHAT)


@pytest.fixture
def chat_factory(
    chat_inbox: Inbox, conversation_factory: Callable[..., Conversation]
) -> Callable[..., Conversation]:
    def make(**fields: Any) -> Conversation:
        return conversation_factory(inbox=chat_inbox, channel=Channel.WEBCHAT, **fields)

    return make
