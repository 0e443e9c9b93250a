"""Event payloads. They carry ids, never message text: a client fetches what it may see
through an authorized request, so a mistaken group subscription cannot leak content."""

from collections.abc import Iterable
from typing import Any

from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.core.events import (
    AGENTS_GROUP,
    Publication,
    contact_group,
    conversation_group,
    publish_all_on_commit,
    publish_on_commit,
)


def message_added(message: Message) -> None:
    conversation = message.conversation
    event: dict[str, Any] = {
        "kind": "message_added",
        "conversation_id": conversation.pk,
        "message_id": message.pk,
        "message_kind": message.kind,
    }
    # Agents also hear who wrote it ("X just replied", collision.js); a customer's portal
    # is not told an agent's internal id.
    publications: list[Publication] = [
        (
            [AGENTS_GROUP, conversation_group(conversation.pk)],
            {**event, "author_agent_id": message.author_agent_id},
        )
    ]
    # Internal notes stay among agents.
    if message.kind != MessageKind.NOTE:
        publications.append(([contact_group(conversation.contact_id)], event))
    publish_all_on_commit(publications)


def _updated(conversation: Conversation, fields: tuple[str, ...]) -> Publication:
    event = {"kind": "conversation_updated", "conversation_id": conversation.pk, "fields": fields}
    groups = [AGENTS_GROUP, conversation_group(conversation.pk)]
    return [*groups, contact_group(conversation.contact_id)], event


def conversation_updated(conversation: Conversation, *fields: str) -> None:
    publish_on_commit(*_updated(conversation, fields))


def conversations_updated(conversations: Iterable[Conversation], *fields: str) -> None:
    """The same change to many conversations (a sweep's batch), published in one hop."""
    publish_all_on_commit([_updated(conversation, fields) for conversation in conversations])


def delivery_updated(message: Message) -> None:
    event = {
        "kind": "delivery_updated",
        "conversation_id": message.conversation_id,
        "message_id": message.pk,
        "status": message.delivery_status,
    }
    publish_on_commit([conversation_group(message.conversation_id)], event)
