"""What a caller on hold hears: their place in the team's queue and how long it may take.

The queue is the team's waiting calls and waiting callbacks together, in
selectors.QUEUE_ORDER: a callback keeps the place its caller had. The estimate is
routing's (`wait_estimate.seconds_to_wait`) with phone figures: an agent who answers
calls takes one at a time, so the slots are the online agents who answer calls and the
free ones those not on a call; a call takes the median talk time of recent answered
calls, or KEFU_CHAT_DEFAULT_HANDLE_SECONDS with too little history.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kefu.agents.models import CallDevice
from kefu.inboxes.phone.models import Call, CallStatus
from kefu.inboxes.phone.selectors import waiting_callbacks, waiting_calls
from kefu.routing.selectors import Capacity, online_agents_with_load
from kefu.routing.wait_estimate import seconds_to_wait

# Enough answered calls for a stable median, few enough to read on each announcement.
_SAMPLE_SIZE = 200
_MIN_SAMPLES = 5
# An agent with a call in these states has no line free.
_ON_A_CALL = (CallStatus.RINGING, CallStatus.IN_PROGRESS)


@dataclass(frozen=True)
class Wait:
    position: int | None  # 1-based; None when the call is not waiting
    seconds: int | None  # None when nobody who answers calls is online


def _ahead(urgent: bool, queued_at: datetime, pk_field: str, pk: int) -> Q:
    """Rows served before (urgent, queued_at, pk) in QUEUE_ORDER ("-urgent", "queued_at", "pk")."""
    earlier = Q(queued_at__lt=queued_at) | Q(queued_at=queued_at, **{f"{pk_field}__lt": pk})
    same_urgency = Q(urgent=urgent) & earlier
    return same_urgency if urgent else Q(urgent=True) | same_urgency


def position(call: Call) -> int | None:
    """The caller's place among the team's waiting calls and callbacks."""
    if call.status != CallStatus.QUEUED or call.queued_at is None:
        return None
    calls = waiting_calls(call.team_id).filter(_ahead(call.urgent, call.queued_at, "pk", call.pk))
    # A callback and a call queued at the same instant: the earlier call goes first.
    callbacks = waiting_callbacks(call.team_id).filter(
        _ahead(call.urgent, call.queued_at, "call_id", call.pk)
    )
    return calls.count() + callbacks.count() + 1


def capacity(team_id: int | None) -> Capacity:
    agents = online_agents_with_load(team_id).exclude(answers_calls=CallDevice.NONE)
    busy = agents.filter(calls__status__in=_ON_A_CALL).distinct().count()
    total = agents.count()
    return Capacity(agents_online=total, slots=total, free=max(0, total - busy))


def handle_seconds(team_id: int | None) -> float:
    """Median talk time of the team's recently answered calls."""
    since = timezone.now() - timedelta(hours=settings.KEFU_CHAT_HISTORY_HOURS)
    calls = Call.objects.filter(
        answered_at__isnull=False, duration__isnull=False, ended_at__gte=since
    )
    if team_id is not None:
        calls = calls.filter(team_id=team_id)
    durations = list(calls.order_by("-ended_at").values_list("duration", flat=True)[:_SAMPLE_SIZE])
    if len(durations) >= _MIN_SAMPLES:
        return float(statistics.median(d for d in durations if d is not None))
    return float(settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS)


def wait_for(call: Call) -> Wait:
    place = position(call)
    if place is None:
        return Wait(None, None)
    serving = capacity(call.team_id)
    if serving.slots == 0:
        return Wait(place, None)
    return Wait(place, seconds_to_wait(place, serving, handle_seconds(call.team_id)))
