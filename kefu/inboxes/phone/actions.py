"""Writes of a call's life on the line: it rings, is routed, answered and ends.

Every provider (Twilio's webhooks, a PBX's CTI events) drives a call through these
functions, so a call log, a timeline and the conversation it opens read the same
whichever system carried the call. Each function is idempotent where a provider may
repeat itself: a webhook retried or a CTI event sent twice changes nothing again.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Team
from kefu.contacts.actions import create_contact, surviving
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, Status
from kefu.core.errors import KefuError
from kefu.core.intents import Intent
from kefu.core.languages import Language, in_language
from kefu.core.phone_numbers import InvalidPhoneNumber, display, to_e164
from kefu.inboxes.phone.models import (
    Call,
    Callback,
    CallEvent,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
    Recording,
    RecordingKind,
    RecordingStatus,
)
from kefu.routing.queues import TEAM_FOR_INTENT
from kefu.routing.service_hours import ServiceStatus, service_status

# A conversation in these states is the caller's open one: a new call joins it.
_JOINABLE = (Status.OPEN, Status.PENDING, Status.ON_HOLD)


def normal_number(value: str) -> str:
    """E.164 when `value` parses; otherwise `value` as received (say "anonymous").

    A call is logged whatever its caller ID says; only a parsed number is matched to a
    contact or called back.
    """
    try:
        return to_e164(value)
    except InvalidPhoneNumber:
        return value.strip()[:32]


def is_e164(value: str) -> bool:
    return value.startswith("+") and value[1:].isdigit()


def record_event(call: Call, kind: str, *, agent: Agent | None = None, **detail: Any) -> CallEvent:
    return CallEvent.objects.create(
        call=call, kind=kind, at=timezone.now(), agent=agent, detail=detail
    )


def _contact_for(number: str) -> Contact | None:
    if not is_e164(number):
        return None
    identity = (
        ContactIdentity.objects.select_related("contact")
        .filter(kind=IdentityKind.PHONE, value=number)
        .first()
    )
    return surviving(identity.contact) if identity is not None else None


def start_call(
    *, line: PhoneLine, sid: str, direction: str, from_number: str, to_number: str
) -> Call:
    """The call with this provider id, logged as ringing the first time it is heard of.

    The customer's number (the caller's on an incoming call, the callee's on an outgoing
    one) is matched to a contact by its E.164 identity.
    """
    existing = Call.objects.filter(sid=sid).first()
    if existing is not None:
        return existing
    caller, callee = normal_number(from_number), normal_number(to_number)
    customer = caller if direction == Direction.INBOUND else callee
    contact = _contact_for(customer)
    with transaction.atomic():
        call, created = Call.objects.get_or_create(
            sid=sid,
            defaults={
                "line": line,
                "direction": direction,
                "from_number": caller,
                "to_number": callee,
                "contact": contact,
                "language": contact.language if contact is not None else "",
                "started_at": timezone.now(),
            },
        )
        if created:
            record_event(call, CallEventKind.RINGING, parsed=is_e164(customer))
    return call


def customer_number(call: Call) -> str:
    return call.from_number if call.direction == Direction.INBOUND else call.to_number


def choose_language(call: Call, language: str) -> Call:
    if language not in Language.values:
        raise ValueError(f"not a language: {language!r}")
    call.language = language
    call.save(update_fields=["language"])
    record_event(call, CallEventKind.LANGUAGE, language=language)
    return call


def team_for(intent: str) -> Team | None:
    slug = TEAM_FOR_INTENT.get(intent)
    return Team.objects.filter(slug=slug).first() if slug else None


def choose_topic(call: Call, intent: str) -> Call:
    """The menu's topic, as a triage intent: it picks the team, and a stolen account is urgent."""
    if intent and intent not in Intent.values:
        raise ValueError(f"not an intent: {intent!r}")
    call.intent = intent
    call.team = team_for(intent)
    call.urgent = intent == Intent.ACCOUNT_STOLEN
    call.save(update_fields=["intent", "team", "urgent"])
    record_event(call, CallEventKind.TOPIC, intent=intent)
    return call


def _open_conversation_of(contact: Contact | None) -> Conversation | None:
    if contact is None:
        return None
    return (
        Conversation.objects.filter(contact=contact, status__in=_JOINABLE, merged_into__isnull=True)
        .order_by("-last_message_at")
        .first()
    )


def _summary(call: Call, kind: str) -> str:
    """The line the conversation shows for a call, in the caller's language."""

    def text() -> str:
        topic = str(Intent(call.intent).label) if call.intent else _("no topic chosen")
        return _("%(what)s from %(number)s · %(topic)s") % {
            "what": _what(kind),
            "number": display(customer_number(call)),
            "topic": topic,
        }

    return in_language(call.language, text)


def _what(kind: str) -> str:
    labels = {
        "call": _("Phone call"),
        "missed": _("Missed call"),
        "voicemail": _("Voicemail"),
        "callback": _("Callback requested"),
    }
    return labels[kind]


def open_conversation(call: Call, kind: str = "call") -> Conversation:
    """The call's conversation: the caller's open one, or a new one on the phone inbox.

    Runs once per call; `kind` ("call", "missed", "voicemail", "callback") names what the
    conversation's first line says. The caller ID is not proof of who is calling: the
    contact is the number's owner as far as we know, never a verified customer.
    """
    if call.conversation_id is not None:
        return call.conversation  # type: ignore[return-value]
    text = _summary(call, kind)
    number = customer_number(call)
    contact = call.contact or (None if is_e164(number) else _unidentified_caller(call.language))
    message = receive_message(
        InboundMessage(
            inbox=call.line.inbox,
            text=text,
            contact=contact,
            identity_kind=IdentityKind.PHONE if contact is None else "",
            identity_value=number if contact is None else "",
            external_id=f"call:{call.sid}",
            conversation=_open_conversation_of(contact),
            intent=call.intent,
            language=call.language,
        )
    )
    conversation = message.conversation
    call.conversation = conversation
    call.contact = conversation.contact
    call.save(update_fields=["conversation", "contact"])
    return conversation


def _unidentified_caller(language: str) -> Contact:
    return create_contact(name=_("Unknown caller"), language=language)


def enqueue(call: Call, *, open_now: bool = True) -> Call:
    """The caller waits for an agent; a caller who waited before keeps their place.

    `open_now=False` leaves opening the conversation to the caller's job (the IVR's
    webhook must answer Twilio fast, and opening one is most of its work); anything that
    shows the call to an agent opens it first, so none is ever offered without one.
    """
    if call.status == CallStatus.QUEUED:
        return call
    now = timezone.now()
    call.status = CallStatus.QUEUED
    call.queued_at = call.queued_at or now
    call.agent = None
    call.save(update_fields=["status", "queued_at", "agent"])
    record_event(call, CallEventKind.QUEUED)
    if open_now:
        open_conversation(call)
    return call


def answered(call: Call, agent: Agent) -> Call:
    if call.status == CallStatus.IN_PROGRESS and call.agent_id == agent.pk:
        return call
    call.status = CallStatus.IN_PROGRESS
    call.agent = agent
    call.answered_at = call.answered_at or timezone.now()
    call.save(update_fields=["status", "agent", "answered_at"])
    record_event(call, CallEventKind.ANSWERED, agent=agent)
    open_conversation(call)
    return call


def ended(call: Call, *, duration: int | None = None, reason: str = "") -> Call:
    """The line went quiet. Never answered (and no voicemail or callback left) is missed.

    `reason` is the provider's word for how it ended (busy, no-answer, cancel …).
    """
    if call.ended_at is not None:
        return call
    now = timezone.now()
    call.ended_at = now
    call.duration = duration if duration is not None else _elapsed(call, now)
    if call.status in (CallStatus.IN_PROGRESS, CallStatus.COMPLETED):
        call.status = CallStatus.COMPLETED
        kind = CallEventKind.ENDED
    elif call.status in (CallStatus.VOICEMAIL, CallStatus.CALLBACK_REQUESTED):
        kind = CallEventKind.ENDED
    elif call.status == CallStatus.FAILED:
        kind = CallEventKind.FAILED
    else:
        call.status = CallStatus.MISSED
        kind = CallEventKind.MISSED
    call.save(update_fields=["ended_at", "duration", "status"])
    record_event(call, kind, duration=call.duration, reason=reason)
    if call.status == CallStatus.MISSED and call.direction == Direction.INBOUND:
        open_conversation(call, "missed")
    return call


def _elapsed(call: Call, now: datetime) -> int:
    return max(0, int((now - (call.answered_at or call.started_at)).total_seconds()))


def route_topic(call: Call, intent: str, *, open_now: bool = True) -> ServiceStatus:
    """The caller chose a topic: they join its team's queue while the team is open.

    Outside service hours (extended hours count as open) the call is noted as closed and
    waits for the caller's next choice: a voicemail, a callback or goodbye.
    """
    with transaction.atomic():
        choose_topic(call, intent)
        status = service_status(call.team)
        if status.is_open:
            enqueue(call, open_now=open_now)
        else:
            next_open = status.next_open.isoformat() if status.next_open else None
            record_event(call, CallEventKind.CLOSED, next_open=next_open)
    return status


class CallbackRefused(KefuError):
    code = "callback_refused"


def request_callback(call: Call) -> Callback:
    """The caller asked to be called back: they keep their place and may hang up.

    The number is the one that called, never one the caller dictates (anyone could
    otherwise make the hotline ring a third party). Asking twice changes nothing.
    """
    existing = Callback.objects.filter(call=call).first()
    if existing is not None:
        return existing
    number = customer_number(call)
    if not call.line.callback_enabled:
        raise CallbackRefused(_("This phone line does not take callback requests."))
    if not is_e164(number):
        raise CallbackRefused(
            _("The caller's number is withheld or not valid, so it cannot be called back.")
        )
    now = timezone.now()
    with transaction.atomic():
        callback = Callback.objects.create(
            call=call,
            number=number,
            team=call.team,
            urgent=call.urgent,
            # The place the caller held in the queue (or now, when they never queued).
            queued_at=call.queued_at or now,
            next_attempt_at=now,
        )
        call.status = CallStatus.CALLBACK_REQUESTED
        call.save(update_fields=["status"])
        record_event(call, CallEventKind.CALLBACK_REQUESTED)
        open_conversation(call, "callback")
    return callback


def left_voicemail(call: Call) -> Call:
    """The caller recorded a message (its audio arrives on the recording webhook).

    Also after the call ended as missed: the caller who hangs up to finish a voicemail
    ends the call before Twilio reports the recording.
    """
    if call.status == CallStatus.VOICEMAIL:
        return call
    with transaction.atomic():
        call.status = CallStatus.VOICEMAIL
        call.save(update_fields=["status"])
        record_event(call, CallEventKind.VOICEMAIL)
        open_conversation(call, "voicemail")
    return call


def recording_received(
    call: Call, *, sid: str, kind: str, media_url: str, duration: int | None
) -> Recording:
    """A recording Twilio holds: the fetch job picks up the PENDING row. Once per sid."""
    with transaction.atomic():
        recording, created = Recording.objects.get_or_create(
            sid=sid,
            defaults={
                "call": call,
                "kind": kind,
                "media_url": media_url,
                "duration": duration,
                "status": RecordingStatus.PENDING,
                "next_attempt_at": timezone.now(),
            },
        )
        if created and kind == RecordingKind.VOICEMAIL:
            left_voicemail(call)
    return recording
