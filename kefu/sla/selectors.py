"""Reads of the SLA data that views and the API need, each with a fixed number of queries.

Lists never read clocks: a row's badge comes from the deadline copied onto the
conversation (sla_due_at, sla_due_target, sla_breached). Clocks, events and escalations
are read for one conversation at a time, on its page.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from django.db.models import Count, F, Q
from django.utils import timezone

from kefu.conversations.models import Conversation
from kefu.sla.models import Clock, Escalation, EventKind, SlaEvent, Target

ClockState = Literal["running", "overdue", "paused", "met", "stopped"]
BadgeState = ClockState | Literal["breached"]


@dataclass(frozen=True)
class Badge:
    """What an SLA badge says: which target, and how long is left or overdue."""

    target: str  # a Target value
    state: BadgeState
    due_at: datetime | None = None
    # Time left while running, time past the deadline while overdue, else None.
    delta: timedelta | None = None

    @property
    def late(self) -> bool:
        return self.state in ("overdue", "breached")


def conversation_badge(conversation: Conversation, now: datetime | None = None) -> Badge | None:
    """The badge of a list row, from the conversation's own columns (no query)."""
    now = now or timezone.now()
    if conversation.sla_due_at is not None and conversation.sla_due_target:
        due = conversation.sla_due_at
        if due <= now:
            return Badge(conversation.sla_due_target, "overdue", due, now - due)
        return Badge(conversation.sla_due_target, "running", due, due - now)
    if conversation.sla_breached:
        # Missed earlier, nothing running now (e.g. resolved late): still worth a red mark.
        return Badge("", "breached")
    return None


def clock_state(clock: Clock, now: datetime) -> ClockState:
    if clock.fulfilled_at is not None:
        return "met"
    if clock.stopped_at is not None:
        return "stopped"
    if clock.due_at is None:
        return "paused"
    return "overdue" if clock.due_at <= now else "running"


def clock_badge(clock: Clock, now: datetime | None = None) -> Badge:
    now = now or timezone.now()
    state = clock_state(clock, now)
    if state == "paused":
        return Badge(clock.target, state, None, clock.remaining)
    if state == "overdue" and clock.due_at is not None:
        return Badge(clock.target, state, clock.due_at, now - clock.due_at)
    if state == "running" and clock.due_at is not None:
        return Badge(clock.target, state, clock.due_at, clock.due_at - now)
    return Badge(clock.target, state)


_TARGET_ORDER = {value: n for n, value in enumerate(Target.values)}


def clocks(conversation: Conversation) -> list[Clock]:
    """The conversation's clocks, in the order of the targets (first response first)."""
    rows = list(Clock.objects.filter(conversation=conversation))
    return sorted(rows, key=lambda clock: _TARGET_ORDER.get(clock.target, len(_TARGET_ORDER)))


def events(conversation: Conversation) -> list[SlaEvent]:
    """The SLA timeline, oldest first."""
    return list(SlaEvent.objects.filter(conversation=conversation).order_by("at", "pk"))


def escalations_of(conversation: Conversation) -> list[Escalation]:
    """The conversation's escalations, oldest first, with who asked for each."""
    return list(
        Escalation.objects.filter(conversation=conversation).select_related(
            "by_agent", "from_team", "to_team"
        )
    )


@dataclass(frozen=True)
class TeamCompliance:
    team_id: int | None
    team_name: str  # "" for conversations without a team
    met: int
    breached: int

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def percent(self) -> int | None:
        """Share of targets met, None when nothing was decided today."""
        return round(100 * self.met / self.total) if self.total else None


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Midnight to midnight of today in the default time zone (the company's day)."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now or timezone.now(), zone).date()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def team_compliance_today(now: datetime | None = None) -> list[TeamCompliance]:
    """Targets met on time vs breached today, per team of the conversation, in one query.

    A target met late has a breach event and a fulfilment after its deadline: it counts
    once, as breached.
    """
    start, end = today_bounds(now)
    met_on_time = Q(kind=EventKind.FULFILLED) & (Q(due_at__isnull=True) | Q(at__lte=F("due_at")))
    rows = (
        SlaEvent.objects.filter(
            at__gte=start, at__lt=end, kind__in=[EventKind.FULFILLED, EventKind.BREACHED]
        )
        .values("conversation__team_id", "conversation__team__name")
        .annotate(
            met=Count("pk", filter=met_on_time),
            breached=Count("pk", filter=Q(kind=EventKind.BREACHED)),
        )
        # Conversations without a team first, on every database.
        .order_by(F("conversation__team__name").asc(nulls_first=True), "conversation__team_id")
    )
    return [
        TeamCompliance(
            row["conversation__team_id"],
            row["conversation__team__name"] or "",
            row["met"],
            row["breached"],
        )
        for row in rows
        if row["met"] or row["breached"]
    ]


@dataclass(frozen=True)
class Panel:
    """The conversation page's SLA panel: its clocks and timeline (the escalations have
    their own part of the page, console/_escalation.html)."""

    clocks: list[Clock]
    events: list[SlaEvent]


def panel(conversation: Conversation) -> Panel:
    """Two queries, whatever the conversation's history."""
    return Panel(clocks(conversation), events(conversation))
