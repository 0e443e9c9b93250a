"""The call lifecycle every provider drives: numbers, contacts, the conversation, the log."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.agents.models import Team
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Priority
from kefu.core.intents import Intent
from kefu.inboxes.phone import actions
from kefu.inboxes.phone.models import (
    Callback,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
    Recording,
    RecordingKind,
    RecordingStatus,
)
from kefu.routing.models import ServiceSchedule, WeeklyHours

pytestmark = pytest.mark.django_db


def _call(line: PhoneLine, number: str = "+8613800138000", sid: str = "CA1") -> Any:
    return actions.start_call(
        line=line, sid=sid, direction=Direction.INBOUND, from_number=number, to_number=line.number
    )


@pytest.mark.parametrize("written", ["+86 138 0013 8000", "008613800138000", "13800138000"])
def test_every_way_of_writing_a_number_matches_one_contact(
    phone_line: PhoneLine, contact_factory: Any, written: str
) -> None:
    contact = contact_factory()
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value="+8613800138000")
    call = _call(phone_line, written)
    assert call.from_number == "+8613800138000"
    assert call.contact == contact


def test_a_webhook_heard_twice_logs_one_call(phone_line: PhoneLine) -> None:
    first, second = _call(phone_line), _call(phone_line)
    assert first.pk == second.pk
    assert [e.kind for e in first.events.all()] == [CallEventKind.RINGING]


def test_a_withheld_number_is_logged_as_received_and_matches_nobody(phone_line: PhoneLine) -> None:
    call = _call(phone_line, "anonymous")
    assert call.from_number == "anonymous"
    assert call.contact is None
    actions.ended(call)
    call.refresh_from_db()
    # Missed, with a conversation for a contact that has no number to call back.
    assert call.status == CallStatus.MISSED
    assert call.conversation is not None
    assert not call.conversation.contact.identities.exists()


def test_a_queued_stolen_account_call_opens_an_urgent_conversation(phone_line: PhoneLine) -> None:
    Team.objects.create(name="Security", slug="security")
    call = _call(phone_line)
    actions.choose_language(call, "en")
    actions.choose_topic(call, Intent.ACCOUNT_STOLEN)
    actions.enqueue(call)
    call.refresh_from_db()
    assert call.urgent
    assert call.team is not None
    assert call.team.slug == "security"
    conversation = call.conversation
    assert conversation is not None
    assert conversation.channel == "phone"
    assert conversation.priority == Priority.URGENT
    assert conversation.contact.identities.get().value == "+8613800138000"
    assert "Phone call from +86 138 0013 8000" in conversation.messages.get().text


def test_a_second_call_joins_the_callers_open_conversation(phone_line: PhoneLine) -> None:
    first = actions.enqueue(_call(phone_line, sid="CA1"))
    second = actions.enqueue(_call(phone_line, sid="CA2"))
    assert first.conversation_id == second.conversation_id
    assert second.conversation is not None
    assert second.conversation.messages.count() == 2


def test_answered_then_ended_is_completed_with_its_duration(
    phone_line: PhoneLine, agent_factory: Any
) -> None:
    call = actions.enqueue(_call(phone_line))
    actions.answered(call, agent_factory())
    actions.ended(call, duration=42)
    call.refresh_from_db()
    assert (call.status, call.duration) == (CallStatus.COMPLETED, 42)
    kinds = [e.kind for e in call.events.all()]
    assert kinds == ["ringing", "queued", "answered", "ended"]


# ---------------------------------------------------------------- the caller's side (IVR)


def test_a_topic_outside_service_hours_is_noted_and_not_queued(phone_line: PhoneLine) -> None:
    schedule = ServiceSchedule.objects.create(timezone="UTC", country="")
    # Open only on a day that is not today.
    tomorrow = (timezone.now() + timedelta(days=1)).weekday()
    WeeklyHours.objects.create(schedule=schedule, weekday=tomorrow, opens=time(9), closes=time(10))
    call = _call(phone_line)
    status = actions.route_topic(call, Intent.ACCOUNT_LOCKED)
    call.refresh_from_db()
    assert not status.is_open
    assert status.next_open is not None
    assert call.status == CallStatus.IVR
    assert call.queued_at is None
    assert call.events.get(kind=CallEventKind.CLOSED).detail["next_open"]


def test_a_callback_keeps_the_queue_place_and_is_asked_for_once(phone_line: PhoneLine) -> None:
    call = actions.enqueue(_call(phone_line))
    first = actions.request_callback(call)
    again = actions.request_callback(call)
    assert first.pk == again.pk
    assert first.queued_at == call.queued_at
    assert first.number == "+8613800138000"
    call.refresh_from_db()
    assert call.status == CallStatus.CALLBACK_REQUESTED
    assert call.events.filter(kind=CallEventKind.CALLBACK_REQUESTED).count() == 1


@pytest.mark.parametrize("number", ["anonymous", "12"])
def test_no_callback_to_a_withheld_or_unparsable_number(phone_line: PhoneLine, number: str) -> None:
    call = _call(phone_line, number)
    with pytest.raises(actions.CallbackRefused):
        actions.request_callback(call)
    call.refresh_from_db()
    assert call.status == CallStatus.IVR
    assert not Callback.objects.exists()


def test_no_callback_on_a_line_without_callbacks(phone_line: PhoneLine) -> None:
    phone_line.callback_enabled = False
    phone_line.save()
    with pytest.raises(actions.CallbackRefused):
        actions.request_callback(_call(phone_line))
    assert not Callback.objects.exists()


def test_a_recording_is_noted_once_and_a_voicemail_marks_the_call(phone_line: PhoneLine) -> None:
    call = _call(phone_line)
    actions.ended(call)  # the caller hung up to finish the message
    for _ in range(2):
        actions.recording_received(
            call, sid="RE1", kind=RecordingKind.VOICEMAIL, media_url="https://x/RE1", duration=5
        )
    recording = Recording.objects.get()
    assert (recording.status, recording.attempts) == (RecordingStatus.PENDING, 0)
    call.refresh_from_db()
    assert call.status == CallStatus.VOICEMAIL
    assert call.events.filter(kind=CallEventKind.VOICEMAIL).count() == 1
