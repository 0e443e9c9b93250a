"""Callbacks: the agent is rung first, then the customer; retried, given up, refused."""

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.agents.models import Agent, CallDevice
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import MessageKind
from kefu.core.intents import Intent
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import actions, dispatch
from kefu.inboxes.phone.models import (
    Call,
    Callback,
    CallbackStatus,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
)
from tests.inboxes.phone.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALLER,
    HOTLINE,
    parse_twiml,
    security_team,
)
from tests.inboxes.phone.twilio_server import TwilioServer

pytestmark = pytest.mark.django_db

CALLS = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"


def _agent(agent_factory: Callable[..., Agent], language: str = "en") -> Agent:
    agent = agent_factory(answers_calls=CallDevice.BROWSER, language=language)
    agent.teams.add(security_team())
    return agent


def _callback(line: PhoneLine, number: str = CALLER) -> Callback:
    call = actions.start_call(
        line=line, sid="CA1", direction=Direction.INBOUND, from_number=CALLER, to_number=HOTLINE
    )
    actions.choose_language(call, "en")
    actions.choose_topic(call, Intent.ACCOUNT_STOLEN)
    actions.enqueue(call)
    call.status = CallStatus.CALLBACK_REQUESTED
    call.save()
    assert call.queued_at is not None
    return Callback.objects.create(
        call=call,
        number=number,
        team=call.team,
        urgent=True,
        queued_at=call.queued_at,
        next_attempt_at=timezone.now(),
    )


def _post_result(twilio_post: Callable[..., Any], callback: Callback, status: str) -> ET.Element:
    path = reverse("phone:callback_result", kwargs={"line_id": callback.call.line_id})
    response = twilio_post(
        f"{path}?callback={callback.pk}",
        {
            "CallSid": "CAagent",
            "DialCallStatus": status,
            "DialCallSid": "CAcustomer",
            "DialCallDuration": "30" if status == "completed" else "0",
        },
    )
    return parse_twiml(response)


def _due_now(callback: Callback) -> None:
    Callback.objects.filter(pk=callback.pk).update(next_attempt_at=timezone.now())


def test_a_due_callback_rings_the_agent_first_with_the_real_request_shape(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent", "account_sid": ACCOUNT_SID})
    assert dispatch.offer_next(security_team().pk) == callback
    (request,) = twilio_server.requests_to(CALLS)
    assert request.method == "POST"
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    line_id = {"line_id": phone_line.pk}
    assert request.form["To"] == [f"client:agent-{agent.public_id}"]
    assert request.form["From"] == [HOTLINE]
    bridge = absolute_url(reverse("phone:callback_bridge", kwargs=line_id))
    assert request.form["Url"] == [f"{bridge}?callback={callback.pk}"]
    assert request.form["Method"] == ["POST"]
    leg = absolute_url(reverse("phone:callback_leg", kwargs=line_id))
    assert request.form["StatusCallback"] == [f"{leg}?callback={callback.pk}"]
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DIALING
    assert callback.attempts == 1
    assert callback.agent == agent


@pytest.mark.parametrize(
    ("language", "voice", "words"),
    [
        ("en", "en-US", "Calling back +86 138 0013 8000"),
        ("zh-Hans", "zh-CN", "回电给 +86 138 0013 8000"),
        ("zh-Hant", "zh-TW", "回電給 +86 138 0013 8000"),
    ],
)
def test_the_bridge_tells_the_agent_who_is_called_back_then_dials_the_customer(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
    language: str,
    voice: str,
    words: str,
) -> None:
    _agent(agent_factory, language)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    dispatch.offer_next(security_team().pk)
    path = reverse("phone:callback_bridge", kwargs={"line_id": phone_line.pk})
    response = twilio_post(f"{path}?callback={callback.pk}", {"CallSid": "CAagent"})
    root = parse_twiml(response)
    say = root.find("Say")
    assert say is not None
    assert say.get("language") == voice
    assert words in (say.text or "")
    dial = root.find("Dial")
    assert dial is not None
    assert dial.get("callerId") == HOTLINE
    number = dial.find("Number")
    assert number is not None
    assert number.text == CALLER


def test_a_reached_callback_is_done_with_its_own_call_and_conversation_line(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    agent = _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    dispatch.offer_next(security_team().pk)
    assert _post_result(twilio_post, callback, "completed").find("Hangup") is not None
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE
    child = Call.objects.get(sid="CAcustomer")
    assert child.parent == callback.call
    assert child.direction == Direction.OUTBOUND
    assert child.agent == agent
    assert child.duration == 30
    conversation = callback.call.conversation
    assert conversation is not None
    line = conversation.messages.get(kind=MessageKind.SYSTEM)
    assert "Callback made to +86 138 0013 8000" in line.text


def test_an_unreached_callback_is_retried_then_given_up_with_a_note(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    phone_line.callback_max_attempts = 2
    phone_line.callback_retry_minutes = 15
    phone_line.save()
    _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    dispatch.offer_next(security_team().pk)
    before = timezone.now()
    _post_result(twilio_post, callback, "no-answer")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.WAITING
    assert callback.attempts == 1
    assert callback.next_attempt_at >= before + timedelta(minutes=15)
    # Not due yet: nobody is rung.
    assert dispatch.offer_next(security_team().pk) is None
    _due_now(callback)
    assert dispatch.offer_next(security_team().pk) == callback
    _post_result(twilio_post, callback, "busy")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.FAILED
    assert callback.attempts == 2
    assert callback.call.events.filter(kind=CallEventKind.CALLBACK_FAILED).exists()
    conversation = callback.call.conversation
    assert conversation is not None
    note = conversation.messages.get(kind=MessageKind.SYSTEM)
    assert "not reached after 2 attempts" in note.text


def test_an_agent_who_does_not_pick_up_costs_the_customer_no_attempt(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    dispatch.offer_next(security_team().pk)
    path = reverse("phone:callback_leg", kwargs={"line_id": phone_line.pk})
    twilio_post(f"{path}?callback={callback.pk}", {"CallSid": "CAagent", "CallStatus": "no-answer"})
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.WAITING
    assert callback.attempts == 0
    assert callback.call.events.filter(kind=CallEventKind.NOT_ANSWERED).exists()


def test_a_number_outside_the_allowed_ones_is_never_dialled(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory)
    callback = _callback(phone_line, number="+8613911112222")
    with pytest.raises(dispatch.CallRefused):
        dispatch.check_callback_number(callback)
    assert dispatch.offer_next(security_team().pk) is None
    assert twilio_server.received == []
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.FAILED
    assert "+86 139 1111 2222" in callback.last_error


def test_a_number_on_the_customers_account_may_be_called_back(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory)
    callback = _callback(phone_line, number="+8613911112222")
    assert callback.call.contact is not None
    ContactIdentity.objects.create(
        contact=callback.call.contact, kind=IdentityKind.PHONE, value="+8613911112222"
    )
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    assert dispatch.offer_next(security_team().pk) == callback
    assert twilio_server.requests_to(CALLS)


def test_twilio_failing_to_place_the_call_is_noted_and_retried_later(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 500, {"code": 20500, "message": "Internal Server Error"})
    assert dispatch.offer_next(security_team().pk) is None
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.WAITING
    assert "500" in callback.last_error
    assert callback.next_attempt_at > timezone.now()
    failure = callback.call.events.get(kind=CallEventKind.NOT_ANSWERED)
    assert "500" in failure.detail["error"]


def test_an_agent_calling_back_is_offered_no_other_caller(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory)
    callback = _callback(phone_line)
    twilio_server.reply(CALLS, 201, {"sid": "CAagent"})
    assert dispatch.offer_next(security_team().pk) == callback
    waiting = actions.start_call(
        line=phone_line,
        sid="CA2",
        direction=Direction.INBOUND,
        from_number="+8613800138009",
        to_number=HOTLINE,
    )
    actions.choose_topic(waiting, Intent.ACCOUNT_STOLEN)
    actions.enqueue(waiting)
    assert dispatch.offer_next(security_team().pk) is None
    assert twilio_server.requests_to(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/CA2") == []
