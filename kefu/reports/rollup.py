"""Maintaining the rollups: recompute whole hours from the raw tables, idempotently.

Why recompute rather than increment inside each storing transaction: an increment puts
one hot row (this hour × team × inbox × intent) in every conversation's transaction, which
serialises busy inboxes on PostgreSQL, and a missed or doubled increment is wrong forever.
A recompute reads the raw rows of a few hours through indexed time columns
(Conversation.created_at / first_response_at / resolved_at, Message.created_at,
Survey.answered_at, Clock.fulfilled_at / breached_at, FlowRun.started_at), deletes those
hours' rollup rows and writes them again in one transaction: running it twice, or on two
hosts at once, gives the same rows.

Late commits: a row stamped 10:59:59 may commit at 11:00:02, after 10:00's hour was
computed. The scheduler job therefore recomputes the current hour and the RECENT_HOURS
before it every minute, so a commit up to two hours late is counted; a daily job
recomputes the last DAILY_DAYS days for what changes later (a survey answer changed, a
flow run finished, a conversation reopened). `kefu reports rebuild` recomputes any range.

Attribution: each event counts in the hour it happened and under the conversation's team,
inbox, channel and (where the row has one) intent as they are at recompute time.
Durations are business time (`routing.business_time.calendar_for(team)`): first response
from created_at to first_response_at, resolution from created_at to resolved_at.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.feedback.models import Survey
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.reports.histogram import BUCKETS, bucket_of
from kefu.reports.models import (
    BUCKET_COLUMNS,
    OPENED_BY_HOUR,
    AgentRollup,
    DurationMetric,
    DurationRollup,
    FlowRollup,
    OnlineMinutes,
    Rollup,
    SlaRollup,
    grain,
)
from kefu.routing.business_time import BusinessCalendar, calendar_for
from kefu.sla.models import Clock

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
RECENT_HOURS = 2
DAILY_DAYS = 8
BATCH = 5000

# A row's hour, team, inbox and channel; and with its intent.
Place = tuple[datetime, int | None, int, str]
Dims = tuple[datetime, int | None, int, str, str]
# One rollup row as column → value; columns left out take their default (0, False).
Values = dict[str, Any]


def floor_hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def floor_day(at: datetime) -> datetime:
    return floor_hour(at).replace(hour=0)


def ceil_day(at: datetime) -> datetime:
    day = floor_day(at)
    return day if day == at else day + DAY


def _hour(field: str) -> TruncHour:
    return TruncHour(field, tzinfo=UTC)


def _utc(at: datetime) -> datetime:
    # SQLite hands TruncHour back naive in some versions; rollups are always UTC.
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _conversation_counts(field: str, start: datetime, end: datetime) -> Iterator[tuple[Dims, int]]:
    rows = (
        Conversation.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(h=_hour(field))
        .values_list("h", "team_id", "inbox_id", "channel", "intent")
        .annotate(n=Count("id"))
        .order_by()
    )
    for h, team, inbox, channel, intent, n in rows:
        yield (_utc(h), team, inbox, channel, intent), n


class WorkingTime:
    """Working seconds between two instants of one calendar, by prefix sums.

    `BusinessCalendar.between` walks every day between its two instants on each call; a
    rebuild asks it for every conversation, and a resolution can span weeks. Here the
    calendar's working intervals are listed once for the dates asked about (grown when a
    later question reaches further), with the working time before each interval, so one
    answer is two bisects: worked(end) - worked(start). Equal to `between` (tested).
    """

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self._zone = ZoneInfo(calendar.timezone)
        self._first: date | None = None
        self._last: date | None = None
        self._starts: list[float] = []
        self._ends: list[float] = []
        self._before: list[float] = []  # working seconds before interval i

    def _cover(self, first: date, last: date) -> None:
        if self._first is not None and self._last is not None:
            if self._first <= first and last <= self._last:
                return
            first, last = min(first, self._first), max(last, self._last)
        # A margin, so a rebuild's next days are usually covered already.
        first, last = first - timedelta(days=7), last + timedelta(days=31)
        self._first, self._last = first, last
        self._starts, self._ends, self._before = [], [], []
        total = 0.0
        for start, end in self.calendar.intervals(first, last):
            begin, finish = start.timestamp(), end.timestamp()
            self._starts.append(begin)
            self._ends.append(finish)
            self._before.append(total)
            total += finish - begin

    def _worked_until(self, at: float) -> float:
        i = bisect_right(self._starts, at) - 1
        if i < 0:
            return 0.0
        return self._before[i] + min(at, self._ends[i]) - self._starts[i]

    def seconds(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        if self.calendar.always_open:
            return (end - start).total_seconds()
        self._cover(start.astimezone(self._zone).date(), end.astimezone(self._zone).date())
        return self._worked_until(end.timestamp()) - self._worked_until(start.timestamp())


class _Calendars:
    """calendar_for costs a query per call; one recompute asks once per team."""

    def __init__(self) -> None:
        self._by_team: dict[int | None, WorkingTime] = {}

    def __call__(self, team_id: int | None) -> WorkingTime:
        if team_id not in self._by_team:
            self._by_team[team_id] = WorkingTime(calendar_for(team_id))
        return self._by_team[team_id]


def _durations(
    field: str, start: datetime, end: datetime, calendars: _Calendars
) -> dict[tuple[Dims, int], int]:
    counts: dict[tuple[Dims, int], int] = defaultdict(int)
    rows = (
        Conversation.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .values_list(field, "created_at", "team_id", "inbox_id", "channel", "intent")
        .order_by()
    )
    for done_at, created_at, team, inbox, channel, intent in rows.iterator(chunk_size=BATCH):
        seconds = calendars(team).seconds(created_at, done_at)
        counts[((floor_hour(done_at), team, inbox, channel, intent), bucket_of(seconds))] += 1
    return counts


def _rollups(
    start: datetime, end: datetime, calendars: _Calendars
) -> tuple[list[Values], list[Values]]:
    rows: dict[Dims, dict[str, int]] = defaultdict(dict)
    for field, name in (("created_at", "opened"), ("resolved_at", "resolved")):
        for dims, n in _conversation_counts(field, start, end):
            rows[dims][name] = n
    durations: list[Values] = []
    metrics: tuple[tuple[str, str, str | None], ...] = (
        ("first_response_at", DurationMetric.FIRST_RESPONSE, "first_responses"),
        ("resolved_at", DurationMetric.RESOLUTION, None),
    )
    for field, metric, count_as in metrics:
        histograms: dict[Place, list[int]] = {}
        for (dims, bucket), n in _durations(field, start, end, calendars).items():
            if count_as:
                rows[dims][count_as] = rows[dims].get(count_as, 0) + n
            histograms.setdefault(dims[:4], [0] * BUCKETS)[bucket] += n
        durations.extend(
            {**_place(place), "metric": metric, **dict(zip(BUCKET_COLUMNS, counts, strict=True))}
            for place, counts in histograms.items()
        )
    answered = (
        Survey.objects.filter(answered_at__gte=start, answered_at__lt=end, rating__isnull=False)
        .annotate(h=_hour("answered_at"))
        .values_list("h", "team_id", "inbox_id", "channel", "intent")
        .annotate(
            n=Count("id"),
            total=Sum("rating"),
            r1=Count("id", filter=Q(rating=1)),
            r2=Count("id", filter=Q(rating=2)),
            r3=Count("id", filter=Q(rating=3)),
            r4=Count("id", filter=Q(rating=4)),
            r5=Count("id", filter=Q(rating=5)),
            outside=Count("id", filter=Q(contacted_outside=True)),
        )
        .order_by()
    )
    for h, team, inbox, channel, intent, n, total, r1, r2, r3, r4, r5, outside in answered:
        rows[(_utc(h), team, inbox, channel, intent)].update(
            csat_responses=n,
            csat_sum=total or 0,
            csat_1=r1,
            csat_2=r2,
            csat_3=r3,
            csat_4=r4,
            csat_5=r5,
            contacted_outside=outside,
        )
    for dims, values in rows.items():
        if "opened" in values:
            values[OPENED_BY_HOUR[dims[0].hour]] = values["opened"]
    return [{**_key(dims), **values} for dims, values in rows.items()], durations


def _key(dims: Dims) -> dict[str, Any]:
    return {**_place(dims[:4]), "intent": dims[4]}


def _place(place: Place) -> dict[str, Any]:
    hour, team, inbox, channel = place
    return {"hour": hour, "team_id": team, "inbox_id": inbox, "channel": channel}


def _sla(start: datetime, end: datetime) -> list[Values]:
    rows: dict[tuple[Place, str], dict[str, int]] = defaultdict(dict)
    dims = ("conversation__team_id", "conversation__inbox_id", "conversation__channel")
    for field, name, extra in (
        ("fulfilled_at", "met", Q(breached_at__isnull=True)),
        ("breached_at", "breached", Q()),
    ):
        counted = (
            Clock.objects.filter(extra, **{f"{field}__gte": start, f"{field}__lt": end})
            .annotate(h=_hour(field))
            .values_list("h", *dims, "target")
            .annotate(n=Count("id"))
            .order_by()
        )
        for h, team, inbox, channel, target, n in counted:
            rows[((_utc(h), team, inbox, channel), target)][name] = n
    return [{**_place(key), "target": target, **values} for (key, target), values in rows.items()]


def _agents(start: datetime, end: datetime) -> list[Values]:
    rows: dict[tuple[datetime, int, int | None, int, str], dict[str, int]] = defaultdict(dict)
    handled = (
        Conversation.objects.filter(
            resolved_at__gte=start, resolved_at__lt=end, assignee__isnull=False
        )
        .annotate(h=_hour("resolved_at"))
        .values_list("h", "assignee_id", "team_id", "inbox_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for h, agent, team, inbox, channel, n in handled:
        rows[(_utc(h), agent, team, inbox, channel)]["handled"] = n
    replies = (
        Message.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            kind=MessageKind.OUTBOUND,
            author_agent__isnull=False,
        )
        .annotate(h=_hour("created_at"))
        .values_list(
            "h",
            "author_agent_id",
            "conversation__team_id",
            "conversation__inbox_id",
            "conversation__channel",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for h, agent, team, inbox, channel, n in replies:
        rows[(_utc(h), agent, team, inbox, channel)]["replies"] = n
    rated = (
        Survey.objects.filter(
            answered_at__gte=start, answered_at__lt=end, rating__isnull=False, agent__isnull=False
        )
        .annotate(h=_hour("answered_at"))
        .values_list("h", "agent_id", "team_id", "inbox_id", "channel")
        .annotate(n=Count("id"), total=Sum("rating"), good=Count("id", filter=Q(rating__gte=4)))
        .order_by()
    )
    for h, agent, team, inbox, channel, n, total, good in rated:
        rows[(_utc(h), agent, team, inbox, channel)].update(
            csat_responses=n, csat_sum=total or 0, csat_satisfied=good
        )
    return [
        {"hour": _utc(h), "agent_id": agent, "team_id": team, "inbox_id": inbox, "channel": channel}
        | values
        for (h, agent, team, inbox, channel), values in rows.items()
    ]


def _flows(start: datetime, end: datetime) -> list[Values]:
    runs = (
        FlowRun.objects.filter(started_at__gte=start, started_at__lt=end)
        .annotate(h=_hour("started_at"))
        .values_list("h", "intent")
        .annotate(
            n=Count("id"),
            solved=Count("id", filter=Q(outcome=RunOutcome.SOLVED)),
            handed=Count("id", filter=Q(outcome=RunOutcome.HANDOFF)),
        )
        .order_by()
    )
    return [
        {"hour": _utc(h), "intent": intent, "started": n, "solved": solved, "handed_off": handed}
        for h, intent, n, solved, handed in runs
    ]


def _insert(model: type[Any], objects: list[Values]) -> None:
    """The rows' values straight to the database: COPY on PostgreSQL, plain multi-row
    INSERTs on SQLite.

    Model instances and bulk_create (which prepares every value of every field through
    the ORM) were most of a rebuild's time, a Rollup row having 36 integer columns; the
    values here are only ints, text, None, booleans and UTC datetimes, so they go
    straight to the driver. On PostgreSQL a multi-row INSERT of thousands of parameters
    spent most of its time in psycopg splitting the statement's placeholders, which COPY
    has none of.
    """
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    defaults = [f.get_default() for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)

    def values(obj: Values) -> list[Any]:
        return [obj.get(name, default) for name, default in zip(names, defaults, strict=True)]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row(values(obj))
            return
        adapt = connection.ops.adapt_datetimefield_value
        timed = {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"}
        # SQLite allows 32,766 parameters per statement (SQLITE_MAX_VARIABLE_NUMBER).
        per_statement = max(1, min(BATCH, 30_000 // len(fields)))
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for offset in range(0, len(objects), per_statement):
            chunk = objects[offset : offset + per_statement]
            params: list[Any] = []
            for obj in chunk:
                row = values(obj)
                for i in timed:
                    row[i] = adapt(row[i])
                params.extend(row)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",
                params,
            )


def recompute(start: datetime, end: datetime) -> int:
    """Recompute every rollup of the hours touching [start, end); returns rows written."""
    start = floor_hour(start)
    end = floor_hour(end) + (HOUR if end != floor_hour(end) else timedelta(0))
    calendars = _Calendars()
    rollups, durations = _rollups(start, end, calendars)
    built: list[tuple[type[Any], list[Values]]] = [
        (Rollup, rollups),
        (DurationRollup, durations),
        (SlaRollup, _sla(start, end)),
        (AgentRollup, _agents(start, end)),
        (FlowRollup, _flows(start, end)),
    ]
    # Read first, then swap in one short transaction: readers see the old hours or the
    # new ones, never a half-written hour, and never a day that disagrees with its hours.
    with transaction.atomic():
        for model, objects in built:
            model.objects.filter(grain(False, start, end)).delete()
            _insert(model, objects)
        derive_days(start, end, dict(built))
    return sum(len(objects) for _, objects in built)


_PLACE = ("team_id", "inbox_id", "channel")
_KEYS = (*_PLACE, "intent")
# Per grained model: the columns a daily row is keyed by, and the counts it sums.
GRAINS: tuple[tuple[type[Any], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        Rollup,
        _KEYS,
        (
            "opened",
            "resolved",
            "first_responses",
            "csat_responses",
            "csat_sum",
            "csat_1",
            "csat_2",
            "csat_3",
            "csat_4",
            "csat_5",
            "contacted_outside",
            *OPENED_BY_HOUR,
        ),
    ),
    (DurationRollup, (*_PLACE, "metric"), BUCKET_COLUMNS),
    (SlaRollup, (*_PLACE, "target"), ("met", "breached")),
    (
        AgentRollup,
        ("agent_id", "team_id", "inbox_id", "channel"),
        ("handled", "replies", "csat_responses", "csat_sum", "csat_satisfied"),
    ),
    (FlowRollup, ("intent",), ("started", "solved", "handed_off")),
)


def derive_days(
    start: datetime, end: datetime, built: dict[type[Any], list[Values]] | None = None
) -> int:
    """Re-derive the daily rows of the UTC days touching [start, end) from their hourly rows.

    When [start, end) is whole UTC days and `built` holds the hourly rows just written for
    it, the days are summed from those in memory (a rebuild's case); otherwise one GROUP BY
    per model reads those days' hourly rows (hours outside [start, end) but inside those
    days are current already). Call inside the recompute's transaction.
    """
    first, last = floor_day(start), ceil_day(end)
    whole_days = built is not None and (first, last) == (start, end)
    written = 0
    for model, keys, sums in GRAINS:
        if whole_days and built is not None:
            rows = _sum_days(built.get(model, []), keys, sums)
        else:
            rows = (
                model.objects.filter(grain(False, first, last))
                .annotate(day=TruncDay("hour", tzinfo=UTC))
                .values_list("day", *keys)
                .annotate(**{name: Sum(name) for name in sums})
                .order_by()
            )
        days = [
            {"hour": _utc(row[0]), "daily": True}
            | dict(zip(keys, row[1 : 1 + len(keys)], strict=True))
            | dict(zip(sums, row[1 + len(keys) :], strict=True))
            for row in rows
        ]
        model.objects.filter(grain(True, first, last)).delete()
        _insert(model, days)
        written += len(days)
    return written


def _sum_days(
    objects: list[Values], keys: tuple[str, ...], sums: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    totals: dict[tuple[Any, ...], list[int]] = {}
    for obj in objects:
        key = (floor_day(obj["hour"]), *(obj[name] for name in keys))
        values = [obj.get(name, 0) for name in sums]
        known = totals.get(key)
        if known is None:
            totals[key] = values
        else:
            for i, value in enumerate(values):
                known[i] += value
    return [(*key, *values) for key, values in totals.items()]


def recompute_recent(now: datetime | None = None) -> str:
    now = now or timezone.now()
    written = recompute(floor_hour(now) - RECENT_HOURS * HOUR, floor_hour(now) + HOUR)
    return f"rollups: {written} rows" if written else ""


def recompute_days(days: int = DAILY_DAYS, now: datetime | None = None) -> str:
    now = now or timezone.now()
    written = recompute(floor_hour(now) - timedelta(days=days), floor_hour(now) + HOUR)
    return f"rollups of {days} days: {written} rows"


def rebuild(
    start: datetime, end: datetime, progress: Callable[[datetime, int], None] | None = None
) -> int:
    """Recompute [start, end) a UTC day at a time (bounded memory), reporting each day.

    Chunks end at UTC midnights so each recompute re-derives one day's daily rows.
    """
    written = 0
    day = floor_hour(start)
    while day < end:
        upto = min(floor_day(day) + DAY, end)
        written += recompute(day, upto)
        if progress:
            progress(upto, written)
        day = upto
    return written


def sample_online(agent_ids: list[int], now: datetime | None = None) -> None:
    """Count one minute for each agent online now (called once a minute by the scheduler)."""
    from django.db.models import F

    hour = floor_hour(now or timezone.now())
    OnlineMinutes.objects.bulk_create(
        [OnlineMinutes(hour=hour, agent_id=agent, minutes=0) for agent in agent_ids],
        ignore_conflicts=True,
    )
    OnlineMinutes.objects.filter(hour=hour, agent_id__in=agent_ids).update(minutes=F("minutes") + 1)
