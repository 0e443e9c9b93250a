"""Reads of the caller log: recent calls, and the missed calls nobody has returned yet."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from kefu.inboxes.phone.models import Call, Callback, CallbackStatus, CallStatus, Direction

LOG_SIZE = 100


def recent_calls(limit: int = LOG_SIZE) -> QuerySet[Call]:
    return Call.objects.select_related("contact", "agent", "conversation").order_by(
        "-started_at", "-pk"
    )[:limit]


def _unreturned() -> Q:
    # Missed, a voicemail, or a callback that never reached them ...
    missed = Q(status__in=[CallStatus.MISSED, CallStatus.VOICEMAIL]) | Q(
        callback__status=CallbackStatus.FAILED
    )
    # ... and the same number was not reached since: no later answered call either way,
    # no callback made to it.
    answered_since = Call.objects.filter(
        Q(from_number=OuterRef("from_number")) | Q(to_number=OuterRef("from_number")),
        started_at__gt=OuterRef("started_at"),
        answered_at__isnull=False,
    )
    called_back = Callback.objects.filter(
        number=OuterRef("from_number"),
        status=CallbackStatus.DONE,
        call__started_at__gte=OuterRef("started_at"),
    )
    return missed & ~Exists(answered_since) & ~Exists(called_back)


def to_do() -> QuerySet[Call]:
    """Callers who tried and were not reached: missed and not called back, not yet seen."""
    return (
        Call.objects.filter(_unreturned(), direction=Direction.INBOUND, seen_at__isnull=True)
        .select_related("contact", "agent", "conversation")
        .order_by("-started_at", "-pk")
    )


def to_do_count() -> int:
    return Call.objects.filter(
        _unreturned(), direction=Direction.INBOUND, seen_at__isnull=True
    ).count()
