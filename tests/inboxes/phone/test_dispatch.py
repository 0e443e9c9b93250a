"""Offering queued callers to agents, against the local server in Twilio's place."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.agents.models import Agent, Availability, CallDevice
from kefu.core.intents import Intent
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import actions, dispatch, twiml
from kefu.inboxes.phone.models import (
    Call,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
)
from kefu.routing.selectors import LIVE_CALL_STATUSES
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

CALLS = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls"


def _agent(agent_factory: Callable[..., Agent], **fields: Any) -> Agent:
    fields.setdefault("answers_calls", CallDevice.BROWSER)
    agent = agent_factory(**fields)
    agent.teams.add(security_team())
    return agent


def _queued(line: PhoneLine, sid: str = "CA1", number: str = CALLER) -> Call:
    call = actions.start_call(
        line=line, sid=sid, direction=Direction.INBOUND, from_number=number, to_number=HOTLINE
    )
    actions.choose_language(call, "en")
    actions.choose_topic(call, Intent.ACCOUNT_STOLEN)
    return actions.enqueue(call)


def _call_json(sid: str) -> dict[str, object]:
    return {"sid": sid, "account_sid": ACCOUNT_SID, "status": "queued"}


def _query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def test_the_routing_statuses_of_a_live_call_are_the_phone_apps() -> None:
    assert set(LIVE_CALL_STATUSES) == {CallStatus.RINGING, CallStatus.IN_PROGRESS}


def test_free_agents_are_online_on_a_device_off_calls_and_longest_idle_first(
    phone_line: PhoneLine, agent_factory: Callable[..., Agent]
) -> None:
    recent = _agent(agent_factory)
    never_called = _agent(agent_factory)
    _agent(agent_factory, answers_calls=CallDevice.NONE)
    _agent(agent_factory, answers_calls=CallDevice.PHONE, phone_number="")
    _agent(agent_factory, availability=Availability.OFFLINE)
    on_phone = _agent(agent_factory, answers_calls=CallDevice.PHONE, phone_number="+8613900000000")
    busy = _agent(agent_factory)
    now = timezone.now()
    Call.objects.create(
        line=phone_line,
        sid="CAold",
        direction=Direction.INBOUND,
        from_number=CALLER,
        to_number=HOTLINE,
        agent=recent,
        status=CallStatus.COMPLETED,
        started_at=now,
        ended_at=now,
    )
    Call.objects.create(
        line=phone_line,
        sid="CAlive",
        direction=Direction.INBOUND,
        from_number=CALLER,
        to_number=HOTLINE,
        agent=busy,
        status=CallStatus.IN_PROGRESS,
        started_at=now,
    )
    free = list(dispatch.free_agents(security_team().pk))
    assert free == [never_called, on_phone, recent]


def test_a_queued_caller_is_moved_to_the_free_agent_by_the_rest_api(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    assert dispatch.offer_next(security_team().pk) == call
    (request,) = twilio_server.requests_to(f"{CALLS}/CA1.json")
    assert request.method == "POST"
    assert request.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    connect = absolute_url(reverse("phone:connect", kwargs={"line_id": phone_line.pk}))
    assert request.form == {"Url": [f"{connect}?call={call.pk}"], "Method": ["POST"]}
    call.refresh_from_db()
    assert call.status == CallStatus.RINGING
    assert call.agent == agent
    assert call.events.filter(kind=CallEventKind.OFFERED, agent=agent).exists()


def test_no_free_agent_changes_nothing(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory, availability=Availability.OFFLINE)
    call = _queued(phone_line)
    assert dispatch.offer_next(security_team().pk) is None
    assert twilio_server.received == []
    call.refresh_from_db()
    assert call.status == CallStatus.QUEUED


def test_twilio_refusing_the_update_puts_the_caller_back_with_a_note(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    call = _queued(phone_line)
    queued_at = call.queued_at
    twilio_server.reply(f"{CALLS}/CA1.json", 500, {"code": 20500, "message": "Internal error"})
    assert dispatch.offer_next(security_team().pk) is None
    call.refresh_from_db()
    assert call.status == CallStatus.QUEUED
    assert call.queued_at == queued_at
    missed = call.events.get(kind=CallEventKind.NOT_ANSWERED)
    assert missed.agent == agent
    assert "500" in missed.detail["error"]


def test_the_connect_twiml_dials_the_agents_browser_and_reports_the_answer(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    phone_line.recording_enabled = True
    phone_line.save()
    agent = _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    connect = twilio_server.requests_to(f"{CALLS}/CA1.json")[0].form["Url"][0]
    root = parse_twiml(twilio_post(_query(connect), {"CallSid": "CA1"}))
    dial = root.find("Dial")
    assert dial is not None
    assert dial.get("timeout") == "20"
    assert dial.get("callerId") == HOTLINE
    assert dial.get("record") == "record-from-answer-dual"
    # The recording comes back to the IVR's recording webhook as a call recording.
    assert dial.get("recordingStatusCallback") == absolute_url(
        reverse("phone:recording", kwargs={"line_id": phone_line.pk})
    )
    assert dial.get("action", "").startswith(
        absolute_url(reverse("phone:dial_result", kwargs={"line_id": phone_line.pk}))
    )
    client = dial.find("Client")
    assert client is not None
    assert client.text == f"agent-{agent.public_id}"
    assert client.get("statusCallbackEvent") == "answered completed"
    assert client.get("statusCallback", "").endswith(f"answered?call={call.pk}")


def test_an_agent_on_a_phone_number_is_dialled_there(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    _agent(agent_factory, answers_calls=CallDevice.PHONE, phone_number="+8613900000000")
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    path = reverse("phone:connect", kwargs={"line_id": phone_line.pk}) + f"?call={call.pk}"
    number = parse_twiml(twilio_post(path, {"CallSid": "CA1"})).find("Dial/Number")
    assert number is not None
    assert number.text == "+8613900000000"


def test_answered_assigns_the_conversation_and_counts_as_first_response(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    agent = _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    line_id = {"line_id": phone_line.pk}
    answered = reverse("phone:agent_answered", kwargs=line_id) + f"?call={call.pk}"
    twilio_post(answered, {"CallSid": "CAagent", "CallStatus": "in-progress"})
    call.refresh_from_db()
    assert call.status == CallStatus.IN_PROGRESS
    assert call.conversation is not None
    assert call.conversation.assignee == agent
    assert call.conversation.first_response_at is not None
    result = reverse("phone:dial_result", kwargs=line_id) + f"?call={call.pk}"
    root = parse_twiml(
        twilio_post(
            result,
            {"CallSid": "CA1", "DialCallStatus": "completed", "DialCallDuration": "42"},
        )
    )
    assert root.find("Hangup") is not None
    call.refresh_from_db()
    assert call.status == CallStatus.COMPLETED
    assert call.duration == 42


def test_an_agent_who_does_not_answer_passes_the_caller_to_the_next_keeping_their_place(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    first = _agent(agent_factory)
    second = _agent(agent_factory)
    call = _queued(phone_line)
    queued_at = call.queued_at
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    call.refresh_from_db()
    assert call.agent == first
    path = reverse("phone:dial_result", kwargs={"line_id": phone_line.pk}) + f"?call={call.pk}"
    root = parse_twiml(
        twilio_post(
            path, {"CallSid": "CA1", "DialCallStatus": "no-answer", "CallStatus": "in-progress"}
        )
    )
    # The other agent is dialled in the answer Twilio awaits, not by a racing REST call.
    client = root.find("Dial/Client")
    assert client is not None
    assert client.text == f"agent-{second.public_id}"
    assert len(twilio_server.requests_to(f"{CALLS}/CA1.json")) == 1
    call.refresh_from_db()
    assert call.status == CallStatus.RINGING
    assert call.agent == second
    assert call.queued_at == queued_at
    assert call.events.get(kind=CallEventKind.NOT_ANSWERED).agent == first


def test_with_nobody_else_free_the_caller_goes_back_on_hold(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    path = reverse("phone:dial_result", kwargs={"line_id": phone_line.pk}) + f"?call={call.pk}"
    params = {"CallSid": "CA1", "DialCallStatus": "busy", "CallStatus": "in-progress"}
    enqueue = parse_twiml(twilio_post(path, params)).find("Enqueue")
    assert enqueue is not None
    assert enqueue.text == twiml.queue_name(call)
    call.refresh_from_db()
    assert call.status == CallStatus.QUEUED
    assert call.agent is None
    # The agent who let it ring is not offered it again at once.
    assert dispatch.offer_next(security_team().pk) is None


def test_a_caller_who_hung_up_while_the_agent_was_rung_is_missed(
    phone_line: PhoneLine,
    twilio_server: TwilioServer,
    twilio_post: Callable[..., Any],
    agent_factory: Callable[..., Agent],
) -> None:
    _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    dispatch.offer_next(security_team().pk)
    path = reverse("phone:dial_result", kwargs={"line_id": phone_line.pk}) + f"?call={call.pk}"
    twilio_post(path, {"CallSid": "CA1", "DialCallStatus": "canceled", "CallStatus": "completed"})
    call.refresh_from_db()
    assert call.status == CallStatus.MISSED
    assert len(twilio_server.requests_to(f"{CALLS}/CA1.json")) == 1


def test_an_unsigned_dial_result_is_refused_and_changes_nothing(
    phone_line: PhoneLine, twilio_post: Callable[..., Any]
) -> None:
    call = _queued(phone_line)
    path = reverse("phone:dial_result", kwargs={"line_id": phone_line.pk}) + f"?call={call.pk}"
    response = twilio_post(path, {"DialCallStatus": "completed"}, signature="")
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.status == CallStatus.QUEUED


@pytest.mark.parametrize("query", ["", "?call=999999", "?call=abc"])
def test_an_unknown_call_is_not_found(
    phone_line: PhoneLine, twilio_post: Callable[..., Any], query: str
) -> None:
    path = reverse("phone:connect", kwargs={"line_id": phone_line.pk}) + query
    assert twilio_post(path, {"CallSid": "CAx"}).status_code == 404


def test_the_phone_channel_falls_back_to_the_portal_notification() -> None:
    from kefu.conversations import outbound
    from kefu.inboxes.models import Channel
    from kefu.inboxes.portal import outbound as portal_outbound

    assert outbound.deliverer_for(Channel.PHONE) is portal_outbound.deliver


def test_the_scheduler_sweep_offers_every_team(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    assert dispatch.offer_all() == "offered 1"
    call.refresh_from_db()
    assert call.agent == agent


def test_callers_are_served_urgent_first_then_by_queued_at(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    _agent(agent_factory)
    early = _queued(phone_line, "CA1", "+8613800138001")
    Call.objects.filter(pk=early.pk).update(urgent=False)
    urgent = _queued(phone_line, "CA2", "+8613800138002")
    twilio_server.reply(f"{CALLS}/", 200, _call_json("CA2"))
    assert dispatch.offer_next(security_team().pk) == urgent


def test_two_dispatchers_offering_one_caller_ring_one_agent(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    first, second = _agent(agent_factory), _agent(agent_factory)
    call = _queued(phone_line)
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    assert dispatch.ring(call, first)
    assert not dispatch.ring(call, second)
    assert len(twilio_server.requests_to(f"{CALLS}/CA1.json")) == 1
    call.refresh_from_db()
    assert call.agent == first


def test_the_dispatch_sweep_is_registered_with_the_scheduler() -> None:
    from kefu.core import scheduler

    (job,) = [job for job in scheduler.registered() if job.name == "phone.dispatch"]
    assert job.every() <= timedelta(seconds=10)


def test_a_caller_hanging_up_frees_the_agent_for_the_next_caller(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    first = _queued(phone_line, "CA1", "+8613800138001")
    second = _queued(phone_line, "CA2", "+8613800138002")
    twilio_server.reply(f"{CALLS}/", 200, _call_json("CA1"))
    assert dispatch.offer_next(security_team().pk) == first
    assert dispatch.offer_next(security_team().pk) is None
    dispatch.call_ended(first, reason="completed")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == CallStatus.MISSED
    assert second.status == CallStatus.RINGING
    assert second.agent == agent


def test_a_caller_offered_before_their_job_ran_is_offered_with_a_conversation(
    phone_line: PhoneLine, twilio_server: TwilioServer, agent_factory: Callable[..., Agent]
) -> None:
    agent = _agent(agent_factory)
    call = actions.start_call(
        line=phone_line,
        sid="CA1",
        direction=Direction.INBOUND,
        from_number=CALLER,
        to_number=HOTLINE,
    )
    actions.route_topic(call, Intent.ACCOUNT_STOLEN, open_now=False)
    assert Call.objects.get(pk=call.pk).conversation is None
    twilio_server.reply(f"{CALLS}/CA1.json", 200, _call_json("CA1"))
    # The scheduler's sweep reaches the caller first; the pop needs their conversation.
    dispatch.offer_next(security_team().pk)
    call.refresh_from_db()
    assert (call.status, call.agent) == (CallStatus.RINGING, agent)
    assert call.conversation is not None
    # The caller's own job, run afterwards, opens nothing more.
    dispatch.place_caller.call(call.pk)
    assert call.conversation.messages.count() == 1
