"""A call's news reaches the consoles of the agents concerned, and no others."""

from collections.abc import Callable

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from kefu.agents.models import Agent, CallDevice
from kefu.core.events import agent_group, publish
from kefu.inboxes.phone import actions, dispatch
from kefu.inboxes.phone.models import Call, Direction, PhoneLine
from tests.inboxes.phone.conftest import ACCOUNT_SID, HOTLINE
from tests.inboxes.phone.twilio_server import TwilioServer


@pytest.mark.django_db(transaction=True)
async def test_an_offer_rings_the_offered_agents_console_only(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    offered = await sync_to_async(agent_factory)(answers_calls=CallDevice.BROWSER)
    other = await sync_to_async(agent_factory)(answers_calls=CallDevice.NONE)
    layer = get_channel_layer()
    assert layer is not None
    consoles = {}
    for agent in (offered, other):
        consoles[agent.pk] = await layer.new_channel()
        await layer.group_add(agent_group(agent.pk), consoles[agent.pk])

    def queue_and_offer() -> Call:
        call = actions.start_call(
            line=phone_line,
            sid="CA1",
            direction=Direction.INBOUND,
            from_number="+8613800138000",
            to_number=HOTLINE,
        )
        actions.enqueue(call)
        twilio_server.reply(
            f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/CA1.json", 200, {"sid": "CA1"}
        )
        assert dispatch.offer_next(None) == call
        call.refresh_from_db()
        return call

    call = await sync_to_async(queue_and_offer)()
    message = await layer.receive(consoles[offered.pk])
    assert message["event"] == {
        "kind": "call.ringing",
        "call": call.pk,
        "conversation": call.conversation_id,
    }
    # Whatever reached the other console came before this marker: nothing did.
    await sync_to_async(publish)([agent_group(other.pk)], {"kind": "marker"})
    assert (await layer.receive(consoles[other.pk]))["event"] == {"kind": "marker"}
