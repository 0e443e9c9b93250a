"""Real-time events: published to channel-layer groups, only after the transaction commits.

Publishing inside a transaction would let a client hear about a message that a rollback
then erases, or fetch it before it is visible; on_commit rules out both.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

AGENTS_GROUP = "agents"
# Safety alerts (blocked replies, exposed secrets) for supervisors' consoles.
SUPERVISORS_GROUP = "supervisors"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def agent_group(agent_id: int) -> str:
    """One agent's consoles: events for them alone (a call ringing for them), not for all."""
    return f"agent.{agent_id}"


def contact_group(contact_id: int) -> str:
    return f"contact.{contact_id}"


# One event and the groups it goes to.
Publication = tuple[list[str], dict[str, Any]]


async def _send(layer: Any, publications: list[Publication]) -> None:
    for groups, event in publications:
        for group in groups:
            try:
                await layer.group_send(group, {"type": "kefu.event", "event": event})
            except Exception:
                # The write has committed; a fan-out failure must not turn it into an
                # error for the caller. Clients catch up when they reload or reconnect.
                logger.exception("could not publish %s to %s", event.get("kind"), group)


def publish_all(publications: list[Publication]) -> None:
    layer = get_channel_layer()
    if layer is None or not publications:
        return
    # One hop into the event loop for all of them: each async_to_sync call from a plain
    # thread costs a loop start and a thread hand-off (the bulk of an email's intake
    # time, and of a sweep's warning if each went on its own).
    async_to_sync(_send)(layer, publications)


def publish(groups: list[str], event: dict[str, Any]) -> None:
    publish_all([(groups, event)])


def publish_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: publish(groups, event))


def publish_all_on_commit(publications: list[Publication]) -> None:
    """Several events in one hop after commit (a batch's worth: a sweep's alerts)."""
    if publications:
        transaction.on_commit(lambda: publish_all(publications))
