"""Who hears that the queue changed: the customers waiting in it and the board."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.agents import actions as agent_actions
from kefu.agents.models import Agent, Availability
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Inbox
from kefu.routing.events import QUEUE_GROUP

QUEUE_EVENT = ([QUEUE_GROUP], {"kind": "queue.changed"})


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, Any]]]:
    sent: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(
        "kefu.core.events.publish", lambda groups, event: sent.append((groups, event))
    )
    return sent


def test_a_new_chat_announces_the_queue_after_commit(
    chat_inbox: Inbox, published: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    inbound = InboundMessage(
        inbox=chat_inbox,
        text="提现三个小时还没到账",
        identity_kind=IdentityKind.EMAIL,
        identity_value="wang@example.com",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receive_message(inbound)
    assert QUEUE_EVENT not in published  # nothing before the commit
    for callback in callbacks:
        callback()
    assert QUEUE_EVENT in published


def test_a_change_of_availability_announces_the_queue(
    agent_factory: Callable[..., Agent],
    published: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    agent = agent_factory(availability=Availability.ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        agent_actions.set_availability(agent=agent, availability=Availability.AWAY)
    assert QUEUE_EVENT in published
