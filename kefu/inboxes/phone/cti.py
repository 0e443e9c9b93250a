"""A company's own telephone system (PBX) reporting its calls: the generic CTI events.

Modelled on Zammad's generic CTI so that PBX scripts written for it work unchanged:
`newCall` (direction "in"/"out", from, to, callId, user[] — the agents whose phones
ring), `answer` (callId, user, answeringNumber) and `hangup` (callId, cause:
normalClearing, busy, cancel, noAnswer, congestion, notFound, forwarded). The PBX
authenticates with the line's shared token. Events drive the same call lifecycle as
Twilio's webhooks (actions.py), so CTI calls show in the caller log and conversations
like any other. Unlike Zammad (#2177), a call's news goes only to the agents concerned.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.core.errors import KefuError, NotFound
from kefu.inboxes.phone import actions, events
from kefu.inboxes.phone.models import (
    Call,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
)
from kefu.inboxes.phone.webhooks import claim_once, log_hit

ENDPOINT = "cti"
NEW_CALL, ANSWER, HANGUP = "newCall", "answer", "hangup"
_DIRECTIONS = {"in": Direction.INBOUND, "out": Direction.OUTBOUND}
# A PBX's call ids and agents' user names are short; anything longer is not one.
_MAX_FIELD = 64


class BadToken(KefuError):
    code = "bad_token"
    status = 403


class BadEvent(KefuError):
    code = "bad_event"
    status = 400


class UnknownCall(NotFound):
    code = "unknown_call"


class UnknownAgent(KefuError):
    code = "unknown_agent"
    status = 422


@dataclass(frozen=True)
class CtiEvent:
    event: str
    call_id: str
    direction: str = ""
    from_number: str = ""
    to_number: str = ""
    users: tuple[str, ...] = ()
    answering_number: str = ""
    cause: str = ""


def authenticate(line: PhoneLine, token: str) -> None:
    """Raise BadToken unless `token` is the line's CTI token (compared in constant time)."""
    if not line.cti_token:
        raise BadToken(_("This phone line does not take CTI events."))
    if not token or not constant_time_compare(token, line.cti_token):
        raise BadToken(_("The CTI token is missing or wrong."))


def _field(data: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str | int):
        raise BadEvent(_("“%(field)s” must be text.") % {"field": name})
    text = str(value).strip()
    if required and not text:
        raise BadEvent(_("“%(field)s” is missing.") % {"field": name})
    if len(text) > _MAX_FIELD:
        raise BadEvent(_("“%(field)s” is too long.") % {"field": name})
    return text


def _users(data: Mapping[str, Any]) -> tuple[str, ...]:
    value = data.get("user[]", data.get("user", []))
    names = value if isinstance(value, list) else [value]
    if not all(isinstance(name, str) and len(name) <= _MAX_FIELD for name in names):
        raise BadEvent(_("“user” must be a list of user names."))
    return tuple(name.strip() for name in names if name.strip())


def parse(data: Mapping[str, Any]) -> CtiEvent:
    """A CTI event from the request's fields (form or JSON), or BadEvent saying what is wrong."""
    event = _field(data, "event", required=True)
    if event not in (NEW_CALL, ANSWER, HANGUP):
        raise BadEvent(
            _("Unknown event “%(event)s”: expected newCall, answer or hangup.") % {"event": event}
        )
    parsed = CtiEvent(
        event=event,
        call_id=_field(data, "callId", required=True),
        users=_users(data),
        answering_number=_field(data, "answeringNumber"),
        cause=_field(data, "cause"),
    )
    if event != NEW_CALL:
        return parsed
    direction = _field(data, "direction", required=True)
    if direction not in _DIRECTIONS:
        raise BadEvent(_("“direction” must be “in” or “out”."))
    return replace(
        parsed,
        direction=_DIRECTIONS[direction],
        from_number=_field(data, "from", required=True),
        to_number=_field(data, "to", required=True),
    )


def read_body(content_type: str, body: bytes, form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The request's fields: a JSON object, or the form's (with user[] kept as a list)."""
    if content_type.startswith("application/json"):
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError) as error:
            raise BadEvent(_("The body is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise BadEvent(_("The body must be a JSON object."))
        return data
    lists = ("user", "user[]")
    return {key: values if key in lists else values[-1] for key, values in form.items()}


def _agents_named(names: tuple[str, ...]) -> list[Agent]:
    return list(Agent.objects.filter(username__in=names, is_active=True)) if names else []


def _answering_agent(event: CtiEvent) -> Agent:
    """The agent in `user`, or the one whose phone is `answeringNumber`."""
    match = Q(username__in=event.users) if event.users else Q(pk__in=[])
    number = actions.normal_number(event.answering_number) if event.answering_number else ""
    if actions.is_e164(number):
        match |= Q(phone_number=number)
    agent = Agent.objects.filter(match, is_active=True).order_by("pk").first()
    if agent is None:
        raise UnknownAgent(
            _("No active agent is named %(users)s or has the phone number “%(number)s”.")
            % {"users": ", ".join(event.users) or "—", "number": event.answering_number or "—"}
        )
    return agent


def _offered_to(call: Call) -> set[int]:
    """The agents whose phones rang for this call (recorded at newCall)."""
    return set(
        call.events.filter(kind=CallEventKind.OFFERED, agent__isnull=False).values_list(
            "agent_id", flat=True
        )
    )


def _new_call(line: PhoneLine, event: CtiEvent) -> Call:
    call = actions.start_call(
        line=line,
        sid=f"cti:{event.call_id}",
        direction=event.direction,
        from_number=event.from_number,
        to_number=event.to_number,
    )
    agents = _agents_named(event.users)
    # Ringing on the PBX's phones: there is no menu for a CTI call to wait in.
    if call.status == CallStatus.IVR:
        call.status = CallStatus.RINGING
        call.save(update_fields=["status"])
    for agent in agents:
        actions.record_event(call, CallEventKind.OFFERED, agent=agent)
    events.call_changed(call, events.RINGING, [agent.pk for agent in agents])
    return call


def _answer(call: Call, event: CtiEvent) -> Call:
    agent = _answering_agent(event)
    call = actions.answered(call, agent)
    events.call_changed(call, events.ANSWERED, [agent.pk])
    # The others whose phones rang: their screen pop closes.
    events.call_changed(call, events.ENDED, _offered_to(call) - {agent.pk})
    return call


def _hangup(call: Call, event: CtiEvent) -> Call:
    was_answered_by = call.agent_id if call.status == CallStatus.IN_PROGRESS else None
    call = actions.ended(call, reason=event.cause)
    concerned = {was_answered_by} if was_answered_by else _offered_to(call)
    events.call_changed(call, events.ENDED, {pk for pk in concerned if pk is not None})
    return call


def handle(line: PhoneLine, event: CtiEvent) -> Call | None:
    """Apply one event to its call; None when this event was already applied (a replay).

    The event is claimed (line, callId, event) in the same transaction as its effects:
    a repeat changes nothing and tells nobody twice, and an event that fails leaves no
    claim, so the PBX's retry is applied.
    """
    sid = f"cti:{event.call_id}"
    call = None
    if event.event != NEW_CALL:
        call = Call.objects.filter(sid=sid, line=line).first()
        if call is None:
            raise UnknownCall(
                _("No call with callId “%(call_id)s” on this line: send newCall first.")
                % {"call_id": event.call_id}
            )
    with transaction.atomic():
        if not claim_once(line, ENDPOINT, f"cti:{line.pk}:{event.call_id}:{event.event}"):
            return None
        if call is None:
            return _new_call(line, event)
        if event.event == ANSWER:
            return _answer(call, event)
        return _hangup(call, event)


def receive(
    line: PhoneLine, token: str, content_type: str, body: bytes, form: Mapping[str, list[str]]
) -> Call | None:
    """Authenticate, parse and apply one CTI request; every refusal is logged for the line.

    The token is checked before the body is read: a caller without it learns nothing.
    """
    try:
        authenticate(line, token)
        call = handle(line, parse(read_body(content_type, body, form)))
    except KefuError as error:
        log_hit(line, ENDPOINT, error.status, error.message)
        raise
    if call is None:
        log_hit(line, ENDPOINT, 200, "repeated event, not applied again")
    return call
