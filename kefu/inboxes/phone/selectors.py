"""Reads of the phone queue, shared by what the caller hears and what agents are offered."""

from django.db.models import Q, QuerySet

from kefu.inboxes.phone.models import Call, Callback, CallbackStatus, CallStatus

# One order for the queue: a stolen account first, then whoever queued first. A callback
# keeps the caller's `queued_at`, so it is served where they would have been.
QUEUE_ORDER = ("-urgent", "queued_at", "pk")


def in_team(team_id: int | None) -> Q:
    return Q(team__isnull=True) if team_id is None else Q(team_id=team_id)


def waiting_calls(team_id: int | None) -> QuerySet[Call]:
    """Callers on hold for this team (None: calls with no team), in serving order."""
    return Call.objects.filter(in_team(team_id), status=CallStatus.QUEUED).order_by(*QUEUE_ORDER)


def waiting_callbacks(team_id: int | None) -> QuerySet[Callback]:
    """Callbacks not yet made for this team, in serving order (due or not)."""
    return Callback.objects.filter(in_team(team_id), status=CallbackStatus.WAITING).order_by(
        *QUEUE_ORDER
    )
