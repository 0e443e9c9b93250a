"""Agents calling customers: click-to-call and the browser phone's TwiML app."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from kefu.agents.models import Agent, CallDevice
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.core.phone_numbers import InvalidPhoneNumber
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import dispatch
from kefu.inboxes.phone.models import Call, CallEventKind, CallStatus, Direction, PhoneLine
from tests.inboxes.phone.conftest import ACCOUNT_SID, HOTLINE
from tests.inboxes.phone.twilio_server import TwilioServer

pytestmark = pytest.mark.django_db

CALLS = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
CUSTOMER = "+8613800138000"


@pytest.fixture
def customer(contact_factory: Callable[..., Contact]) -> Contact:
    contact = contact_factory()
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value=CUSTOMER)
    return contact


@pytest.fixture
def conversation(
    phone_line: PhoneLine, customer: Contact, conversation_factory: Callable[..., Conversation]
) -> Conversation:
    return conversation_factory(contact=customer, inbox=phone_line.inbox, channel="phone")


def test_click_to_call_rings_the_agent_then_dials_the_customer_from_the_official_number(
    phone_line: PhoneLine,
    conversation: Conversation,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    phone_line.outbound_number = "+864009999999"
    phone_line.save()
    agent = agent_factory(answers_calls=CallDevice.PHONE, phone_number="+8613900000000")
    twilio_server.reply(CALLS, 201, {"sid": "CAout", "account_sid": ACCOUNT_SID})
    call = dispatch.click_to_call(agent, conversation, "138 0013 8000")
    (request,) = twilio_server.requests_to(CALLS)
    assert request.form["To"] == ["+8613900000000"]
    assert request.form["From"] == ["+864009999999"]
    bridge = absolute_url(reverse("phone:outbound_bridge", kwargs={"line_id": phone_line.pk}))
    assert request.form["Url"] == [f"{bridge}?call={call.pk}"]
    assert call.sid == "CAout"
    assert call.direction == Direction.OUTBOUND
    assert call.conversation == conversation
    assert call.to_number == CUSTOMER
    path = reverse("phone:outbound_bridge", kwargs={"line_id": phone_line.pk})
    root = ET.fromstring(twilio_post(f"{path}?call={call.pk}", {"CallSid": "CAout"}).content)
    dial = root.find("Dial")
    assert dial is not None
    assert dial.get("callerId") == "+864009999999"
    number = dial.find("Number")
    assert number is not None
    assert number.text == CUSTOMER
    result = reverse("phone:outbound_result", kwargs={"line_id": phone_line.pk})
    twilio_post(
        f"{result}?call={call.pk}",
        {"CallSid": "CAout", "DialCallStatus": "completed", "DialCallDuration": "61"},
    )
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED
    assert call.duration == 61
    assert call.events.filter(kind=CallEventKind.ANSWERED, agent=agent).exists()


def test_click_to_call_refuses_a_number_that_is_not_the_customers(
    conversation: Conversation, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory(answers_calls=CallDevice.BROWSER)
    with pytest.raises(dispatch.CallRefused):
        dispatch.click_to_call(agent, conversation, "+8613911112222")
    with pytest.raises(InvalidPhoneNumber):
        dispatch.click_to_call(agent, conversation, "call me maybe")
    assert twilio_server.received == []
    assert not Call.objects.exists()


def test_click_to_call_needs_a_device_to_ring(
    conversation: Conversation, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory(answers_calls=CallDevice.NONE)
    with pytest.raises(dispatch.CallRefused):
        dispatch.click_to_call(agent, conversation, CUSTOMER)
    assert twilio_server.received == []


def test_twilio_refusing_a_click_to_call_stores_nothing(
    conversation: Conversation, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory(answers_calls=CallDevice.BROWSER)
    twilio_server.reply(CALLS, 400, {"code": 21211, "message": "Invalid 'To' Phone Number"})
    with pytest.raises(dispatch.CallRefused, match="Twilio 400"):
        dispatch.click_to_call(agent, conversation, CUSTOMER)
    assert not Call.objects.exists()


def test_the_browser_phone_calls_an_allowed_number_of_the_conversation(
    phone_line: PhoneLine,
    conversation: Conversation,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    agent = agent_factory(answers_calls=CallDevice.BROWSER)
    path = reverse("phone:browser_voice", kwargs={"line_id": phone_line.pk})
    params = {
        "CallSid": "CAbrowser",
        "From": f"client:agent-{agent.public_id}",
        "To": CUSTOMER,
        "conversation": str(conversation.pk),
    }
    root = ET.fromstring(twilio_post(path, params).content)
    number = root.find("Dial/Number")
    assert number is not None
    assert number.text == CUSTOMER
    call = Call.objects.get(sid="CAbrowser")
    assert (call.agent, call.conversation, call.from_number) == (agent, conversation, HOTLINE)


@pytest.mark.parametrize(
    ("to", "conversation_id"),
    [
        ("+8613911112222", "own"),
        (CUSTOMER, "999999"),
        (CUSTOMER, "x"),
        ("not a number", "own"),
        (CUSTOMER, "stranger"),
    ],
)
def test_the_browser_phone_refuses_other_numbers_and_stores_nothing(
    phone_line: PhoneLine,
    conversation: Conversation,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
    to: str,
    conversation_id: str,
) -> None:
    agent = agent_factory(answers_calls=CallDevice.BROWSER)
    path = reverse("phone:browser_voice", kwargs={"line_id": phone_line.pk})
    params = {
        "CallSid": "CAbrowser",
        # A client that is no agent of ours (or no longer one) places nothing.
        "From": "client:agent-KF-NOBODY"
        if conversation_id == "stranger"
        else f"client:agent-{agent.public_id}",
        "To": to,
        "conversation": str(conversation.pk)
        if conversation_id in ("own", "stranger")
        else conversation_id,
    }
    response = twilio_post(path, params)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.find("Dial") is None
    assert root.find("Say") is not None
    assert root.find("Hangup") is not None
    assert not Call.objects.exists()
