"""The agents' side of the hotline: who takes the next caller, ringing them, callbacks.

The queue is Kefu's, not Twilio's: callers hold in a Twilio <Enqueue>, and Kefu picks
the head of a team's queue (waiting calls and due callbacks together, in
selectors.QUEUE_ORDER) for the free agent who has been idle longest. A queued caller is
moved to that agent with the REST API (the call's URL is replaced by the connect TwiML);
a callback is a new call to the agent first, who then dials the customer, so the
customer never waits for an agent to pick up.

Every REST call can fail (Twilio down, the caller gone): a failure is noted on the
call's timeline and the caller or callback goes back to where it was, never lost.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from requests import RequestException
from twilio.base.exceptions import TwilioException
from twilio.twiml.voice_response import Dial, VoiceResponse

from kefu.agents.models import Agent, CallDevice
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.actions import answered_by_phone, assign
from kefu.conversations.events import message_added
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.core.errors import KefuError
from kefu.core.languages import Language, in_language
from kefu.core.phone_numbers import display, to_e164
from kefu.core.public_address import absolute_url
from kefu.inboxes.phone import actions, events, twiml
from kefu.inboxes.phone.models import (
    Call,
    Callback,
    CallbackStatus,
    CallEvent,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
    Provider,
)
from kefu.inboxes.phone.selectors import waiting_callbacks, waiting_calls
from kefu.inboxes.phone.twilio_api import client_for
from kefu.routing.selectors import LIVE_CALL_STATUSES, online_agents_with_load
from kefu.routing.service_hours import ServiceStatus

# An agent who let a call ring out is not offered the same call again for this long:
# the next agent gets it, and a lone agent gets it again once back at the desk.
MISSED_PAUSE = timedelta(minutes=1)
# Queue entries looked at per offer: enough to pass callers whom every free agent missed.
LOOKAHEAD = 20
# The scheduler's sweep (offer_all): offers also follow each queued caller and each freed
# agent, so this only catches what those cannot: a callback coming due, a failed offer.
SWEEP_EVERY = timedelta(seconds=5)
# Offers per team in one scheduler run, so that one run stays short.
OFFERS_PER_RUN = 50

# What Twilio's DialCallStatus says when the other side picked up.
ANSWERED_STATUSES = ("answered", "completed")
# A call's own CallStatus once it is over (the caller hung up during the dial).
OVER_STATUSES = ("completed", "busy", "failed", "no-answer", "canceled")
# Say's voices per language, for what the agent hears before a callback is dialled.
SAY_LANGUAGE = {Language.ZH_HANS: "zh-CN", Language.ZH_HANT: "zh-TW", Language.EN: "en-US"}

Waiting = Call | Callback


class CallRefused(KefuError):
    code = "call_refused"
    status = 409


def agent_identity(agent: Agent) -> str:
    """The agent's name on the Twilio Voice SDK (their browser phone)."""
    return f"agent-{agent.public_id}"


def agent_endpoint(agent: Agent) -> str:
    """Where the agent's phone rings, as REST `To` takes it."""
    if agent.answers_calls == CallDevice.BROWSER:
        return f"client:{agent_identity(agent)}"
    return agent.phone_number


def _url(name: str, line: PhoneLine, **query: int) -> str:
    """A URL Twilio calls back on: the webhook view finds the call or callback by `query`."""
    path = reverse(name, kwargs={"line_id": line.pk})
    return absolute_url(f"{path}?{urlencode(query)}")


# Reads: free agents and the queue ---------------------------------------------------


def free_agents(team_id: int | None, *, skip: Iterable[int] = ()) -> QuerySet[Agent]:
    """Agents of the team who can take a call now, the longest idle first.

    Really online, answering calls on a device that can ring, on no call, and with a
    free slot in routing's capacity (where a call counts as load).
    """
    last_call_end = Subquery(
        Call.objects.filter(agent=OuterRef("pk"), ended_at__isnull=False)
        .order_by("-ended_at")
        .values("ended_at")[:1]
    )
    on_a_call = Call.objects.filter(status__in=LIVE_CALL_STATUSES, agent__isnull=False)
    # A callback has no Call of its own until the customer is reached.
    calling_back = Callback.objects.filter(status=CallbackStatus.DIALING, agent__isnull=False)
    return (
        online_agents_with_load(team_id)
        .filter(
            Q(answers_calls=CallDevice.BROWSER)
            | (Q(answers_calls=CallDevice.PHONE) & ~Q(phone_number=""))
        )
        .exclude(pk__in=on_a_call.values("agent"))
        .exclude(pk__in=calling_back.values("agent"))
        .exclude(pk__in=list(skip))
        .filter(load__lt=F("max_concurrent"))
        .annotate(last_call_end=last_call_end)
        .order_by(F("last_call_end").asc(nulls_first=True), "pk")
    )


def queue_head(team_id: int | None, now: datetime) -> list[Waiting]:
    """Waiting calls and due callbacks of the team, merged in QUEUE_ORDER."""
    calls = list(waiting_calls(team_id).select_related("line")[:LOOKAHEAD])
    callbacks = list(
        waiting_callbacks(team_id)
        .filter(next_attempt_at__lte=now)
        .select_related("call__line")[:LOOKAHEAD]
    )
    merged: list[Waiting] = [*calls, *callbacks]
    # QUEUE_ORDER ("-urgent", "queued_at", …) across the two tables.
    return sorted(merged, key=lambda item: (not item.urgent, item.queued_at))


def _recently_missed(call: Call, now: datetime) -> list[int]:
    return list(
        CallEvent.objects.filter(
            call=call,
            kind=CallEventKind.NOT_ANSWERED,
            agent__isnull=False,
            at__gte=now - MISSED_PAUSE,
        ).values_list("agent_id", flat=True)
    )


# Offering ---------------------------------------------------------------------------


def offer_next(team_id: int | None) -> Waiting | None:
    """Offer the head of the team's queue to the longest-idle free agent.

    Returns what was offered, or None when nobody is free or nothing waits. Called
    after a caller is queued, when an agent becomes free, and by the scheduler.
    """
    now = timezone.now()
    if not free_agents(team_id).exists():
        return None
    for item in queue_head(team_id, now):
        call = item if isinstance(item, Call) else item.call
        agent = free_agents(team_id, skip=_recently_missed(call, now)).first()
        if agent is None:
            continue
        offered = ring(item, agent) if isinstance(item, Call) else dial_callback(item, agent)
        if offered:
            return item
    return None


def route_caller(call: Call, intent: str) -> ServiceStatus:
    """The caller chose a topic (actions.route_topic). Once queued, a job opens their
    conversation and offers them to a free agent, outside the IVR's webhook, which must
    answer Twilio quickly."""
    with transaction.atomic():
        status = actions.route_topic(call, intent, open_now=False)
        if status.is_open:
            transaction.on_commit(partial(place_caller.enqueue, call.pk))
    return status


@task()
def place_caller(call_id: int) -> str:
    """A queued caller's conversation, then an offer to the team's next free agent."""
    call = Call.objects.select_related("line__inbox").get(pk=call_id)
    if call.conversation_id is None:
        actions.open_conversation(call)
    offered = offer_next(call.team_id)
    return f"offered {offered}" if offered is not None else ""


def agent_became_free(agent: Agent | None) -> None:
    """Offer the agent's queues (their teams' and the team-less one) their next caller."""
    if agent is None:
        return
    for team_id in [*agent.teams.values_list("pk", flat=True), None]:
        offer_next(team_id)


def call_ended(call: Call, *, duration: int | None = None, reason: str = "") -> Call:
    """The caller's line went quiet (the IVR's status callback): the call ends, the agent
    it rang for or was answered by hears so, and is offered the next caller."""
    # The caller's copy may predate the offer, which only the database knows of.
    call.refresh_from_db()
    agent = call.agent
    actions.ended(call, duration=duration, reason=reason)
    if agent is not None:
        events.call_changed(call, events.ENDED, [agent.pk])
        agent_became_free(agent)
    return call


def offer_all() -> str:
    """The scheduler's sweep: offer every team's queue until agents or callers run out."""
    teams = set(
        Call.objects.filter(status=CallStatus.QUEUED).values_list("team_id", flat=True)
    ) | set(
        Callback.objects.filter(
            status=CallbackStatus.WAITING, next_attempt_at__lte=timezone.now()
        ).values_list("team_id", flat=True)
    )
    offered = 0
    for team_id in sorted(teams, key=lambda pk: pk or 0):
        for _turn in range(OFFERS_PER_RUN):
            if offer_next(team_id) is None:
                break
            offered += 1
    return f"offered {offered}" if offered else ""


def _claim(call: Call, agent: Agent) -> bool:
    """The queued call is the agent's to ring; False when another offer took it first."""
    # One conditional UPDATE: of two dispatchers, only one sees the call still queued.
    return bool(
        Call.objects.filter(pk=call.pk, status=CallStatus.QUEUED).update(
            status=CallStatus.RINGING, agent=agent
        )
    )


def _offered(call: Call, agent: Agent) -> None:
    call.refresh_from_db()
    # The pop shows the caller's conversation: open it if the caller's job has not yet.
    actions.open_conversation(call)
    actions.record_event(call, CallEventKind.OFFERED, agent=agent)
    events.call_changed(call, events.RINGING, [agent.pk])


def ring(call: Call, agent: Agent) -> bool:
    """Move the queued caller to the connect TwiML that rings `agent`."""
    if not _claim(call, agent):
        return False
    line = call.line
    try:
        client_for(line).calls(call.sid).update(
            url=_url("phone:connect", line, call=call.pk), method="POST"
        )
    except (TwilioException, RequestException) as error:
        _back_in_queue(call, agent, error=_error_text(error))
        return False
    _offered(call, agent)
    return True


def _error_text(error: Exception) -> str:
    if isinstance(error, TwilioException) and hasattr(error, "status"):
        return f"Twilio {error.status}: {getattr(error, 'msg', error)}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def _back_in_queue(call: Call, agent: Agent, **detail: str) -> bool:
    """The agent did not take the call: the caller waits again, in their old place."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.status != CallStatus.RINGING or locked.agent_id != agent.pk:
            return False  # already answered, ended or requeued by another request
        actions.record_event(locked, CallEventKind.NOT_ANSWERED, agent=agent, **detail)
        actions.enqueue(locked)
    return True


# The connect TwiML and the dial's result -------------------------------------------------


def _recording(line: PhoneLine) -> dict[str, str]:
    # The IVR has told the caller before the queue when the line records.
    if not line.recording_enabled:
        return {}
    return {
        "record": "record-from-answer-dual",
        "recording_status_callback": twiml.url("recording", line),
        "recording_status_callback_method": "POST",
    }


def hold_twiml(call: Call) -> VoiceResponse:
    """Back on hold in the Twilio queue (Kefu's queued_at is unchanged)."""
    return twiml.hold(call)


def connect_twiml(call: Call) -> str:
    """Dial the agent the call was offered to; a stale offer puts the caller back on hold."""
    agent = call.agent
    if call.status != CallStatus.RINGING or agent is None:
        return str(hold_twiml(call))
    line = call.line
    dial = Dial(
        action=_url("phone:dial_result", line, call=call.pk),
        method="POST",
        timeout=line.ring_seconds,
        caller_id=line.caller_id,
        **_recording(line),
    )
    leg = {
        "status_callback_event": "answered completed",
        "status_callback": _url("phone:agent_answered", line, call=call.pk),
        "status_callback_method": "POST",
    }
    if agent.answers_calls == CallDevice.BROWSER:
        dial.client(agent_identity(agent), **leg)
    else:
        dial.number(agent.phone_number, **leg)
    response = VoiceResponse()
    response.append(dial)
    return str(response)


def agent_picked_up(call: Call) -> Call:
    """The agent's phone answered: the call is theirs, and so is the conversation."""
    agent = call.agent
    if agent is None or call.status not in (CallStatus.RINGING, CallStatus.IN_PROGRESS):
        return call
    already = call.status == CallStatus.IN_PROGRESS
    with transaction.atomic():
        actions.answered(call, agent)
        conversation = call.conversation
        if not already and conversation is not None:
            if conversation.assignee_id is None:
                assign(conversation=conversation, actor=agent, assignee=agent)
            answered_by_phone(conversation=conversation, agent=agent)
    if not already:
        events.call_changed(call, events.ANSWERED, [agent.pk])
    return call


def dial_finished(call: Call, *, dial_status: str, call_status: str, duration: int | None) -> str:
    """The <Dial> to the agent is over; returns the TwiML for the caller's line.

    Answered: the conversation took place and the call ends. Not answered: the caller
    goes back on hold in their place and the next agent is offered the call, unless the
    caller has hung up meanwhile (then it is missed).
    """
    agent = call.agent
    response = VoiceResponse()
    if call.status not in (CallStatus.RINGING, CallStatus.IN_PROGRESS) or agent is None:
        # A late or stray result: the call has moved on, and stays where it is.
        return str(hold_twiml(call) if call.status == CallStatus.QUEUED else response)
    concerned = [agent.pk]
    if dial_status in ANSWERED_STATUSES:
        agent_picked_up(call)
        actions.ended(call, duration=duration, reason=dial_status)
        response.hangup()
    elif call_status in OVER_STATUSES:
        actions.ended(call, reason="caller hung up")
    else:
        _back_in_queue(call, agent, reason=dial_status)
        events.call_changed(call, events.ENDED, concerned)
        return _ring_in_place(call)
    events.call_changed(call, events.ENDED, concerned)
    agent_became_free(agent)
    return str(response)


def _ring_in_place(call: Call) -> str:
    """The next agent for a caller whose agent did not answer, in the TwiML Twilio awaits.

    Moving the call with the REST API while Twilio waits for this answer would race
    with it; the caller at the head of the queue is connected here instead.
    """
    now = timezone.now()
    head = queue_head(call.team_id, now)
    agent = free_agents(call.team_id, skip=_recently_missed(call, now)).first()
    if head and head[0] == call and agent is not None and _claim(call, agent):
        _offered(call, agent)
        return connect_twiml(call)
    return str(hold_twiml(call))


# Callbacks ---------------------------------------------------------------------------------


def allowed_numbers(call: Call) -> set[str]:
    """Numbers Kefu may call about `call`: the one that called, and the customer's own.

    Never one a caller dictated, or the hotline would ring anyone on a stranger's say.
    """
    numbers = set()
    if call.direction == Direction.INBOUND and actions.is_e164(call.from_number):
        numbers.add(call.from_number)
    if call.contact_id is not None:
        numbers |= set(
            ContactIdentity.objects.filter(
                contact_id=call.contact_id, kind=IdentityKind.PHONE
            ).values_list("value", flat=True)
        )
    return numbers


def check_callback_number(callback: Callback) -> None:
    if callback.number not in allowed_numbers(callback.call):
        raise CallRefused(
            _(
                "%(number)s is neither the number that called nor one of the customer's: "
                "it is not called."
            )
            % {"number": display(callback.number)}
        )


def dial_callback(callback: Callback, agent: Agent) -> bool:
    """Ring the agent for a due callback; once they pick up, the bridge dials the customer."""
    try:
        check_callback_number(callback)
    except CallRefused as error:
        _give_up(callback, error.message)
        return False
    with transaction.atomic():
        # As for calls, one conditional UPDATE decides between two dispatchers.
        claimed = Callback.objects.filter(pk=callback.pk, status=CallbackStatus.WAITING)
        if not claimed.update(
            status=CallbackStatus.DIALING, attempts=F("attempts") + 1, agent=agent
        ):
            return False
        callback.refresh_from_db()
        actions.record_event(
            callback.call, CallEventKind.CALLBACK_DIALED, agent=agent, attempt=callback.attempts
        )
    line = callback.call.line
    try:
        client_for(line).calls.create(
            to=agent_endpoint(agent),
            from_=line.caller_id,
            url=_url("phone:callback_bridge", line, callback=callback.pk),
            method="POST",
            status_callback=_url("phone:callback_leg", line, callback=callback.pk),
            status_callback_method="POST",
            status_callback_event=["completed"],
            timeout=line.ring_seconds,
        )
    except (TwilioException, RequestException) as error:
        attempt_failed(callback, _error_text(error))
        return False
    events.call_changed(callback.call, events.RINGING, [agent.pk])
    return True


def bridge_twiml(callback: Callback) -> str:
    """What the agent hears on picking up a callback, then the customer's number dialled."""
    response = VoiceResponse()
    agent = callback.agent
    if callback.status != CallbackStatus.DIALING or agent is None:
        response.hangup()
        return str(response)
    line = callback.call.line
    language = agent.language or Language.ZH_HANS
    conversation = callback.call.conversation
    text = in_language(
        language,
        lambda: (
            _("Calling back %(number)s about %(reference)s.")
            % {
                "number": display(callback.number),
                "reference": conversation.reference if conversation is not None else "",
            }
        ),
    )
    response.say(text, language=SAY_LANGUAGE[Language(language)])
    dial = Dial(
        action=_url("phone:callback_result", line, callback=callback.pk),
        method="POST",
        caller_id=line.caller_id,
        **_recording(line),
    )
    dial.number(callback.number)
    response.append(dial)
    return str(response)


def agent_leg_ended(callback: Callback, *, call_status: str) -> None:
    """The call to the agent is over. Not picked up: the customer was never dialled, so
    the attempt does not count and the callback waits for the next free agent."""
    if call_status in ANSWERED_STATUSES:
        return
    agent = callback.agent
    with transaction.atomic():
        taken_back = Callback.objects.filter(
            pk=callback.pk, status=CallbackStatus.DIALING, agent=agent
        ).update(
            status=CallbackStatus.WAITING,
            attempts=F("attempts") - 1,
            agent=None,
            next_attempt_at=timezone.now(),
        )
        if taken_back:
            actions.record_event(
                callback.call, CallEventKind.NOT_ANSWERED, agent=agent, reason=call_status
            )
    if taken_back and agent is not None:
        events.call_changed(callback.call, events.ENDED, [agent.pk])
        offer_next(callback.team_id)


def callback_finished(
    callback: Callback, *, dial_status: str, dial_sid: str, duration: int | None
) -> str:
    """The customer's side of a callback is over: reached, or try again later."""
    agent = callback.agent
    if callback.status == CallbackStatus.DIALING and agent is not None:
        if dial_status in ANSWERED_STATUSES:
            _reached(callback, agent, dial_sid, duration)
        else:
            attempt_failed(callback, dial_status or "no answer")
        events.call_changed(callback.call, events.ENDED, [agent.pk])
        agent_became_free(agent)
    response = VoiceResponse()
    response.hangup()
    return str(response)


def _reached(callback: Callback, agent: Agent, dial_sid: str, duration: int | None) -> None:
    original = callback.call
    now = timezone.now()
    seconds = duration or 0
    with transaction.atomic():
        callback.status = CallbackStatus.DONE
        callback.last_error = ""
        callback.save(update_fields=["status", "last_error"])
        child = Call.objects.create(
            line=original.line,
            sid=dial_sid or f"{original.sid}-callback-{callback.attempts}",
            direction=Direction.OUTBOUND,
            from_number=original.line.caller_id,
            to_number=callback.number,
            contact=original.contact,
            conversation=original.conversation,
            language=original.language,
            intent=original.intent,
            team=original.team,
            urgent=original.urgent,
            status=CallStatus.COMPLETED,
            agent=agent,
            started_at=now - timedelta(seconds=seconds),
            answered_at=now - timedelta(seconds=seconds),
            ended_at=now,
            duration=seconds,
            parent=original,
        )
        actions.record_event(child, CallEventKind.ANSWERED, agent=agent)
        actions.record_event(child, CallEventKind.ENDED, agent=agent, duration=seconds)
        _system_line(
            original.conversation,
            lambda: (
                _("Callback made to %(number)s by %(agent)s.")
                % {"number": display(callback.number), "agent": agent}
            ),
        )


def attempt_failed(callback: Callback, error: str) -> Callback:
    """An attempt that did not reach the customer: retried later, or given up on."""
    line = callback.call.line
    if callback.attempts >= line.callback_max_attempts:
        return _give_up(callback, error)
    with transaction.atomic():
        retry_at = timezone.now() + timedelta(minutes=line.callback_retry_minutes)
        Callback.objects.filter(pk=callback.pk).update(
            status=CallbackStatus.WAITING,
            agent=None,
            last_error=error[:300],
            next_attempt_at=retry_at,
        )
        # Without the agent: it is the customer who was not reached, and an agent
        # named here would not be offered the retry (_recently_missed).
        actions.record_event(
            callback.call,
            CallEventKind.NOT_ANSWERED,
            error=error[:300],
            attempt=callback.attempts,
            retry_at=retry_at.isoformat(),
        )
    callback.refresh_from_db()
    return callback


def _give_up(callback: Callback, error: str) -> Callback:
    with transaction.atomic():
        Callback.objects.filter(pk=callback.pk).update(
            status=CallbackStatus.FAILED, agent=None, last_error=error[:300]
        )
        actions.record_event(
            callback.call,
            CallEventKind.CALLBACK_FAILED,
            attempts=callback.attempts,
            error=error[:300],
        )
        _system_line(
            callback.call.conversation,
            lambda: (
                _("Callback to %(number)s: not reached after %(attempts)d attempts (%(error)s).")
                % {
                    "number": display(callback.number),
                    "attempts": callback.attempts,
                    "error": error,
                }
            ),
        )
    callback.refresh_from_db()
    return callback


def _system_line(conversation: Conversation | None, text: Callable[[], str]) -> None:
    """A line on the conversation's timeline, written by Kefu rather than a person.

    In the conversation's language: the customer's portal shows system lines too.
    """
    if conversation is None:
        return
    line = in_language(conversation.language, text)
    message = Message.objects.create(
        conversation=conversation, kind=MessageKind.SYSTEM, text=line[:2000]
    )
    message_added(message)


# Agents' outbound calls -------------------------------------------------------------------


def line_for(conversation: Conversation) -> PhoneLine:
    """The conversation's own phone line, or the first Twilio line for other channels."""
    line = PhoneLine.objects.filter(inbox=conversation.inbox_id).first() or (
        PhoneLine.objects.filter(provider=Provider.TWILIO, inbox__is_active=True)
        .order_by("pk")
        .first()
    )
    if line is None or line.provider != Provider.TWILIO:
        raise CallRefused(_("There is no Twilio phone line to call from."))
    return line


def outbound_number(conversation: Conversation, number: str) -> str:
    """`number` in E.164 if it is one of the conversation's customer's numbers."""
    e164 = to_e164(number)
    owned = ContactIdentity.objects.filter(
        contact_id=conversation.contact_id, kind=IdentityKind.PHONE, value=e164
    ).exists()
    if not owned:
        raise CallRefused(
            _("%(number)s is not a number of this conversation's customer.")
            % {"number": display(e164)}
        )
    return e164


def click_to_call(agent: Agent, conversation: Conversation, number: str) -> Call:
    """Ring the agent, then dial the customer from the line's official number."""
    if agent.answers_calls == CallDevice.NONE or (
        agent.answers_calls == CallDevice.PHONE and not agent.phone_number
    ):
        raise CallRefused(_("Choose where you answer calls in your profile first."))
    e164 = outbound_number(conversation, number)
    line = line_for(conversation)
    with transaction.atomic():
        call = Call.objects.create(
            line=line,
            # Replaced by Twilio's CallSid once the REST call returns it.
            sid=f"pending-{timezone.now().timestamp()}-{agent.pk}",
            direction=Direction.OUTBOUND,
            from_number=line.caller_id,
            to_number=e164,
            contact=conversation.contact,
            conversation=conversation,
            status=CallStatus.RINGING,
            agent=agent,
            started_at=timezone.now(),
        )
    try:
        placed = client_for(line).calls.create(
            to=agent_endpoint(agent),
            from_=line.caller_id,
            url=_url("phone:outbound_bridge", line, call=call.pk),
            method="POST",
            timeout=line.ring_seconds,
        )
    except (TwilioException, RequestException) as error:
        call.delete()
        raise CallRefused(
            _("The call could not be placed: %(error)s") % {"error": _error_text(error)}
        ) from error
    call.sid = placed.sid
    call.save(update_fields=["sid"])
    actions.record_event(call, CallEventKind.RINGING, agent=agent)
    return call


def browser_call(line: PhoneLine, *, sid: str, caller: str, to: str, conversation_id: str) -> Call:
    """A call the agent's browser phone places (the TwiML app's voice URL)."""
    agent = Agent.objects.filter(
        public_id=caller.removeprefix("client:").removeprefix("agent-"), is_active=True
    ).first()
    conversation = (
        Conversation.objects.filter(pk=int(conversation_id)).first()
        if conversation_id.isdigit()
        else None
    )
    if agent is None or conversation is None:
        raise CallRefused(_("Calls are placed from a conversation, by an agent."))
    e164 = outbound_number(conversation, to)
    call = actions.start_call(
        line=line, sid=sid, direction=Direction.OUTBOUND, from_number=line.caller_id, to_number=e164
    )
    Call.objects.filter(pk=call.pk).update(
        conversation=conversation, agent=agent, status=CallStatus.RINGING
    )
    call.refresh_from_db()
    return call


def outbound_dial_twiml(call: Call) -> str:
    """The agent is on the line: dial the customer from the official number."""
    response = VoiceResponse()
    if call.status != CallStatus.RINGING or call.direction != Direction.OUTBOUND:
        response.hangup()
        return str(response)
    line = call.line
    dial = Dial(
        action=_url("phone:outbound_result", line, call=call.pk),
        method="POST",
        caller_id=line.caller_id,
        **_recording(line),
    )
    dial.number(call.to_number)
    response.append(dial)
    return str(response)


def outbound_finished(call: Call, *, dial_status: str, duration: int | None) -> str:
    agent = call.agent
    if dial_status in ANSWERED_STATUSES and agent is not None:
        actions.answered(call, agent)
    actions.ended(call, duration=duration, reason=dial_status)
    if agent is not None:
        events.call_changed(call, events.ENDED, [agent.pk])
        agent_became_free(agent)
    response = VoiceResponse()
    response.hangup()
    return str(response)
