"""Who is viewing and who is writing: the shared presence state and the console socket."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache.backends.redis import RedisCache

from kefu.agents.models import Agent
from kefu.console import presence
from kefu.conversations.models import Conversation
from tests.conftest import verified_client
from tests.console.test_consumers import connect
from tests.services import require_redis

# ---- the state, through the cache ---------------------------------------------------------


def test_join_and_leave_per_socket(settings: Any) -> None:
    settings.KEFU_AGENT_PRESENCE_SECONDS = 90
    assert presence.join(7, "socket-a", agent_id=1, name="Li Na") == [presence.Viewer(1, "Li Na")]
    viewers = presence.join(7, "socket-b", agent_id=2, name="Chen Jie")
    assert [viewer.agent_id for viewer in viewers] == [2, 1]  # sorted by name
    # A second tab of the same agent is one viewer, who stays while either tab is open.
    assert len(presence.join(7, "socket-c", agent_id=1, name="Li Na")) == 2
    assert len(presence.leave(7, "socket-a")) == 2
    assert presence.leave(7, "socket-c") == [presence.Viewer(2, "Chen Jie")]
    assert presence.leave(7, "socket-b") == []
    assert presence.viewers(7) == []
    assert presence.viewers(8) == []


def test_a_socket_that_stops_beating_lapses(settings: Any) -> None:
    settings.KEFU_AGENT_PRESENCE_SECONDS = 90
    presence.join(7, "crashed", agent_id=1, name="Li Na", now=1000.0)
    presence.join(7, "alive", agent_id=2, name="Chen Jie", now=1000.0)
    presence.join(7, "alive", agent_id=2, name="Chen Jie", now=1080.0)  # its heartbeat
    assert len(presence.viewers(7, now=1089.0)) == 2
    assert presence.viewers(7, now=1091.0) == [presence.Viewer(2, "Chen Jie")]


@pytest.fixture
def two_processes() -> Iterator[tuple[RedisCache, RedisCache]]:
    """Two app processes' caches: separate clients, one Redis (and a prefix of this test's)."""
    url = require_redis()
    prefix = f"test-{uuid.uuid4().hex}"
    first = RedisCache(url, {"KEY_PREFIX": prefix})
    second = RedisCache(url, {"KEY_PREFIX": prefix})
    yield first, second
    first.delete("console.presence.7")  # this test's key only: the database is shared


def test_two_processes_see_each_others_viewers(
    two_processes: tuple[RedisCache, RedisCache],
) -> None:
    first, second = two_processes
    presence.join(7, "on-a", agent_id=1, name="Li Na", store=first)
    presence.join(7, "on-b", agent_id=2, name="Chen Jie", store=second)
    assert {viewer.agent_id for viewer in presence.viewers(7, store=first)} == {1, 2}
    presence.leave(7, "on-a", store=first)
    assert presence.viewers(7, store=second) == [presence.Viewer(2, "Chen Jie")]


# ---- the console socket -------------------------------------------------------------------


async def _open(agent: Agent, conversation: Conversation) -> WebsocketCommunicator:
    client = await database_sync_to_async(verified_client)(agent)
    socket = await connect(client)
    assert (await socket.connect(timeout=10))[0]
    await socket.send_json_to({"subscribe": conversation.pk})
    assert (await socket.receive_json_from(timeout=10))["kind"] == "subscribed"
    return socket


async def _next(socket: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        event = await socket.receive_json_from(timeout=10)
        if event["kind"] == kind:
            return dict(event)


def _ids(event: dict[str, Any]) -> list[int]:
    return sorted(viewer["id"] for viewer in event["viewers"])


@pytest.mark.django_db(transaction=True)
async def test_agents_on_one_conversation_see_each_other_come_write_and_go(
    agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
) -> None:
    first = await database_sync_to_async(agent_factory)(display_name="Li Na")
    second = await database_sync_to_async(agent_factory)(display_name="Chen Jie")
    conversation = await database_sync_to_async(conversation_factory)()
    a = await _open(first, conversation)
    assert _ids(await _next(a, "conversation.viewers")) == [first.pk]
    b = await _open(second, conversation)
    joined = await _next(a, "conversation.viewers")
    assert _ids(joined) == sorted([first.pk, second.pk])
    assert {"id": second.pk, "name": "Chen Jie"} in joined["viewers"]
    assert _ids(await _next(b, "conversation.viewers")) == sorted([first.pk, second.pk])

    await b.send_json_to({"composing": conversation.pk, "active": True, "note": True})
    composing = await _next(a, "agent.composing")
    assert composing == {
        "kind": "agent.composing",
        "conversation_id": conversation.pk,
        "agent_id": second.pk,
        "name": "Chen Jie",
        "note": True,
        "active": True,
    }

    await b.send_json_to({"unsubscribe": conversation.pk})
    assert _ids(await _next(a, "conversation.viewers")) == [first.pk]
    await b.send_json_to({"subscribe": conversation.pk})
    assert _ids(await _next(a, "conversation.viewers")) == sorted([first.pk, second.pk])
    await b.disconnect()  # a closed tab leaves too
    assert _ids(await _next(a, "conversation.viewers")) == [first.pk]
    await a.disconnect()
    assert await database_sync_to_async(presence.viewers)(conversation.pk) == []


@pytest.mark.django_db(transaction=True)
async def test_composing_needs_the_conversation_open(
    agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
) -> None:
    agent = await database_sync_to_async(agent_factory)()
    conversation = await database_sync_to_async(conversation_factory)()
    client = await database_sync_to_async(verified_client)(agent)
    socket = await connect(client)
    assert (await socket.connect(timeout=10))[0]
    for frame in ({"composing": conversation.pk, "active": True}, {"composing": "agents"}):
        await socket.send_json_to(frame)
        assert (await socket.receive_json_from(timeout=10))["code"] == "bad_frame"
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_heartbeat_tells_the_others_when_a_crashed_viewer_lapses(
    agent_factory: Callable[..., Agent],
    conversation_factory: Callable[..., Conversation],
    settings: Any,
) -> None:
    settings.KEFU_AGENT_PRESENCE_SECONDS = 0.6  # a beat every 0.2 s
    agent = await database_sync_to_async(agent_factory)()
    conversation = await database_sync_to_async(conversation_factory)()
    # A browser on a process that died: its entry is there, and nobody renews it.
    await database_sync_to_async(presence.join)(
        conversation.pk, "gone", agent_id=agent.pk + 1000, name="Ghost"
    )
    socket = await _open(agent, conversation)
    assert _ids(await _next(socket, "conversation.viewers")) == sorted([agent.pk, agent.pk + 1000])
    assert _ids(await _next(socket, "conversation.viewers")) == [agent.pk]
    await socket.disconnect()
