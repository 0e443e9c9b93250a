import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.asgi import application
from kefu.conversations import actions
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone import actions as phone_actions
from kefu.inboxes.phone import events as phone_events
from kefu.inboxes.phone.models import Direction, PhoneLine
from tests.conftest import verified_client
from tests.core.test_ids import HOSTILE_JSON_IDS

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(client: Client) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/console/",
        headers=[(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1:8000")],
    )
    return communicator


async def test_a_verified_agent_hears_about_new_messages(
    agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
) -> None:
    agent = await database_sync_to_async(agent_factory)()
    conversation = await database_sync_to_async(conversation_factory)()
    client = await database_sync_to_async(verified_client)(agent)
    communicator = await connect(client)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    await communicator.send_json_to({"subscribe": conversation.pk})
    assert await communicator.receive_json_from(timeout=10) == {
        "kind": "subscribed",
        "conversation_id": conversation.pk,
    }
    # Then who has the conversation open: the agent themselves (tests/console/test_collision.py).
    assert (await communicator.receive_json_from(timeout=10))["kind"] == "conversation.viewers"
    note = await database_sync_to_async(actions.add_note)(
        conversation=conversation, agent=agent, text="looking"
    )
    event = await communicator.receive_json_from(timeout=10)
    assert event == {
        "kind": "message_added",
        "conversation_id": conversation.pk,
        "message_id": note.pk,
        "message_kind": "note",
        "author_agent_id": agent.pk,
    }
    await communicator.disconnect()


async def test_a_password_only_session_is_refused(agent_factory: Callable[..., Agent]) -> None:
    agent = await database_sync_to_async(agent_factory)()
    client = Client()
    await database_sync_to_async(client.force_login)(agent)
    communicator = await connect(client)
    connected, code = await communicator.connect(timeout=10)
    assert not connected
    assert code == 4401


async def test_bad_frames_get_an_error_and_the_socket_stays_open(
    agent_factory: Callable[..., Agent],
) -> None:
    agent = await database_sync_to_async(agent_factory)(role=Role.SUPERVISOR)
    client = await database_sync_to_async(verified_client)(agent)
    communicator = await connect(client)
    assert (await communicator.connect())[0]
    for frame in ["not json", "[1, 2]", '{"subscribe": "agents"}', '{"subscribe": true}']:
        await communicator.send_to(text_data=frame)
        assert (await communicator.receive_json_from(timeout=10))["kind"] == "error"
    await communicator.send_json_to({"subscribe": 1})
    assert (await communicator.receive_json_from(timeout=10))["kind"] == "subscribed"
    await communicator.disconnect()


@pytest.mark.parametrize("value", HOSTILE_JSON_IDS)
async def test_a_hostile_conversation_id_is_a_bad_frame(
    agent_factory: Callable[..., Agent], value: object
) -> None:
    agent = await database_sync_to_async(agent_factory)()
    client = await database_sync_to_async(verified_client)(agent)
    communicator = await connect(client)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    for verb in ("subscribe", "unsubscribe", "typing", "read"):
        if value is None and verb in ("subscribe", "unsubscribe"):
            continue  # no id: not this verb's frame at all
        await communicator.send_json_to({verb: value})
        reply = await communicator.receive_json_from(timeout=10)
        assert reply["kind"] == "error", (verb, reply)
    await communicator.send_json_to({"subscribe": 1})
    assert (await communicator.receive_json_from(timeout=10))["kind"] == "subscribed"
    await communicator.disconnect()


async def test_an_open_console_makes_the_agent_present_and_keeps_them_so(
    agent_factory: Callable[..., Agent],
    conversation_factory: Callable[..., Conversation],
    settings: Any,
) -> None:
    settings.KEFU_AGENT_PRESENCE_SECONDS = 0.6  # a beat every 0.2 s
    agent = await database_sync_to_async(agent_factory)(last_seen_at=None)
    inbox = await database_sync_to_async(Inbox.objects.create)(name="Chat", channel=Channel.WEBCHAT)
    waiting = await database_sync_to_async(conversation_factory)(
        inbox=inbox, channel=Channel.WEBCHAT
    )
    client = await database_sync_to_async(verified_client)(agent)
    communicator = await connect(client)
    assert (await communicator.connect())[0]
    await database_sync_to_async(waiting.refresh_from_db)()
    assert waiting.assignee_id == agent.pk  # arriving online takes the waiting chat
    await database_sync_to_async(agent.refresh_from_db)()
    arrived = agent.last_seen_at
    assert arrived is not None
    await asyncio.sleep(0.7)
    await database_sync_to_async(agent.refresh_from_db)()
    assert agent.last_seen_at is not None
    assert agent.last_seen_at > arrived
    await communicator.disconnect()


def _ringing_call_for(agent: Agent) -> None:
    inbox = Inbox.objects.create(name="Hotline", channel=Channel.PHONE)
    line = PhoneLine.objects.create(inbox=inbox, number="+864001234567")
    call = phone_actions.start_call(
        line=line,
        sid="CA" + "1" * 32,
        direction=Direction.INBOUND,
        from_number="+8613800138000",
        to_number=line.number,
    )
    call.agent = agent
    call.save(update_fields=["agent"])
    phone_events.call_changed(call, phone_events.RINGING, [agent.pk])


async def test_a_call_rings_on_its_agents_console_only(
    agent_factory: Callable[..., Agent],
) -> None:
    ringing = await database_sync_to_async(agent_factory)(username="ringing")
    other = await database_sync_to_async(agent_factory)(username="other")
    sockets = []
    for agent in (ringing, other):
        client = await database_sync_to_async(verified_client)(agent)
        communicator = await connect(client)
        assert (await communicator.connect(timeout=10))[0]
        sockets.append(communicator)
    await database_sync_to_async(_ringing_call_for)(ringing)
    event = await sockets[0].receive_json_from(timeout=10)
    assert event["kind"] == "call.ringing"
    assert set(event) == {"kind", "call", "conversation"}
    # The other agent's console hears nothing of it.
    assert await sockets[1].receive_nothing(timeout=0.5)
    for communicator in sockets:
        await communicator.disconnect()
