"""Where conversations tells the apps above it what happened to a conversation.

sla keeps clocks on conversations (first response, next response, updates, resolution), so
it must hear of every message and status change; were conversations to call it directly,
each would import the other. Apps above install a listener when they start (their
AppConfig.ready) and conversations calls every listener at each moment below, inside the
transaction that stores the change: a listener's writes commit or roll back with it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kefu.conversations.models import Conversation, Message


@dataclass(frozen=True)
class Listener:
    # A conversation was just opened (its first message stored, its team placed).
    opened: Callable[[Conversation, datetime], None]
    # The customer wrote in a conversation that was already open (after any reopening).
    customer_wrote: Callable[[Conversation, Message, datetime], None]
    # An agent's reply to the customer was stored (notes do not count).
    agent_replied: Callable[[Conversation, Message, datetime], None]
    # The status changed from the one given (by an agent, a reply, or the customer).
    status_changed: Callable[[Conversation, str, datetime], None]
    # The first conversation was merged into the second.
    merged: Callable[[Conversation, Conversation, datetime], None]
    # Priority, team, intent or tags changed: what applies to the conversation may too.
    reclassified: Callable[[Conversation, datetime], None]


_listeners: dict[str, Listener] = {}


def listen(name: str, listener: Listener) -> None:
    """Install `listener` under `name` (installing again under a name replaces it)."""
    _listeners[name] = listener


def opened(conversation: Conversation, now: datetime) -> None:
    for listener in _listeners.values():
        listener.opened(conversation, now)


def customer_wrote(conversation: Conversation, message: Message, now: datetime) -> None:
    for listener in _listeners.values():
        listener.customer_wrote(conversation, message, now)


def agent_replied(conversation: Conversation, message: Message, now: datetime) -> None:
    for listener in _listeners.values():
        listener.agent_replied(conversation, message, now)


def status_changed(conversation: Conversation, previous: str, now: datetime) -> None:
    if previous == conversation.status:
        return
    for listener in _listeners.values():
        listener.status_changed(conversation, previous, now)


def merged(source: Conversation, target: Conversation, now: datetime) -> None:
    for listener in _listeners.values():
        listener.merged(source, target, now)


def reclassified(conversation: Conversation, now: datetime) -> None:
    for listener in _listeners.values():
        listener.reclassified(conversation, now)
