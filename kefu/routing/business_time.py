"""Business time: the one notion of working time, for live-chat status and SLA deadlines.

A `BusinessCalendar` is an immutable copy of one service schedule (weekly hours, holidays,
make-up workdays, time zone, extended hours) that answers "is it open?", "how much working
time lies between two instants?" and "when will this much working time have passed?"
without touching the database. `calendar_for` hands out cached calendars and checks with
one small query that the schedule did not change since.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from threading import Lock
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils.translation import gettext as _

from kefu.routing.models import (
    DEFAULT_TIMEZONE,
    Holiday,
    ServiceSchedule,
    Source,
    WeeklyHours,
    WorkingDay,
)

# How far `add` looks for working time before saying there is none.
LOOKAHEAD = timedelta(days=2 * 366)

_DAY = 24 * 3600
_ZERO = timedelta(0)
# Day-interval memo per calendar; a calendar is asked about a few weeks around "now",
# so this bound is only reached by callers scanning years, and then it starts over.
_MEMO_LIMIT = 4096

# (start, end) seconds after local midnight
_Span = tuple[int, int]


class NoWorkingTime(Exception):
    """A calendar has no working time ahead: a deadline would be "never"."""

    def __init__(self, schedule_label: str, reason: str) -> None:
        self.schedule_label = schedule_label
        self.reason = reason
        super().__init__(
            _("“%(schedule)s” has no working time: %(reason)s")
            % {"schedule": schedule_label, "reason": reason}
        )


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def _week_spans(
    hours: Iterable[WeeklyHours],
) -> tuple[tuple[tuple[_Span, ...], ...], tuple[tuple[_Span, ...], ...]]:
    """Per weekday: the shifts' parts on their own day, and the parts that run past midnight.

    `closes` at or before `opens` runs into the next day; equal times mean 24 hours.
    """
    same: list[list[_Span]] = [[] for _ in range(7)]
    spill: list[list[_Span]] = [[] for _ in range(7)]
    for slot in hours:
        opens, closes = _seconds(slot.opens), _seconds(slot.closes)
        if closes > opens:
            same[slot.weekday].append((opens, closes))
            continue
        same[slot.weekday].append((opens, _DAY))
        if closes > 0:
            spill[slot.weekday].append((0, closes))
    return tuple(tuple(sorted(s)) for s in same), tuple(tuple(sorted(s)) for s in spill)


def _merge(spans: list[_Span]) -> list[_Span]:
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _closed_and_worked(
    holidays: Iterable[Holiday], working_days: Iterable[WorkingDay]
) -> tuple[frozenset[date], dict[date, int]]:
    """The dates closed all day and the make-up days (date → weekday whose hours apply).

    On a date with both, the local entry wins over the imported one; two entries of the
    same source close the day (the cautious reading: no promise is made that day).
    """
    closed = {holiday.date: holiday.source for holiday in holidays}
    worked: dict[date, int] = {}
    for day in working_days:
        holiday_source = closed.get(day.date)
        if holiday_source is None:
            worked[day.date] = day.works_as
        elif day.source == Source.LOCAL and holiday_source == Source.IMPORTED:
            del closed[day.date]
            worked[day.date] = day.works_as
    return frozenset(closed), worked


@dataclass(frozen=True)
class BusinessCalendar:
    """Working time of one schedule; pure arithmetic on instants (aware datetimes)."""

    schedule_id: int | None  # None = no schedule at all (= always open)
    timezone: str
    always_open: bool  # no schedule, or extended hours switched on
    team_name: str = ""  # for messages; blank for the default schedule
    same_day: tuple[tuple[_Span, ...], ...] = field(default=((),) * 7, repr=False)
    spill: tuple[tuple[_Span, ...], ...] = field(default=((),) * 7, repr=False)
    holidays: frozenset[date] = field(default=frozenset(), repr=False)
    working_days: dict[date, int] = field(default_factory=dict, repr=False, compare=False)
    _memo: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def from_schedule(cls, schedule: ServiceSchedule | None) -> "BusinessCalendar":
        """Built from the schedule's rows (prefetch hours, holidays and working_days)."""
        if schedule is None:
            return cls(schedule_id=None, timezone=DEFAULT_TIMEZONE, always_open=True)
        same, spill = _week_spans(schedule.hours.all())
        closed, worked = _closed_and_worked(schedule.holidays.all(), schedule.working_days.all())
        return cls(
            schedule_id=schedule.pk,
            timezone=schedule.timezone,
            always_open=schedule.extended_hours,
            team_name=str(schedule.team) if schedule.team_id else "",
            same_day=same,
            spill=spill,
            holidays=closed,
            working_days=worked,
        )

    @property
    def label(self) -> str:
        return self.team_name or _("Default service hours")

    @property
    def has_weekly_hours(self) -> bool:
        return any(self.same_day) or any(self.spill)

    # -- the one interval generator ------------------------------------------------------

    def _rule(self, day: date) -> int:
        """The weekday whose hours apply on `day` (a make-up day borrows another's)."""
        return self.working_days.get(day, day.weekday())

    def day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Working intervals on the local date `day`, in UTC, sorted and merged.

        A shift past midnight is cut at midnight, so a holiday closes exactly its own local
        date, whichever day the shift began on.
        """
        known = self._memo.get(day)
        if known is not None:
            return known
        if day in self.holidays:
            spans: list[_Span] = []
        else:
            spans = _merge(
                [*self.spill[self._rule(day - timedelta(days=1))], *self.same_day[self._rule(day)]]
            )
        zone = ZoneInfo(self.timezone)
        midnight = datetime.combine(day, time(0))
        intervals = []
        for start, end in spans:
            # Local wall-clock times to instants: on a DST change day the day is 23 or 25
            # hours long, and a shift's length changes with it.
            utc_start = (midnight + timedelta(seconds=start)).replace(tzinfo=zone).astimezone(UTC)
            utc_end = (midnight + timedelta(seconds=end)).replace(tzinfo=zone).astimezone(UTC)
            if utc_start < utc_end:
                intervals.append((utc_start, utc_end))
        result = tuple(intervals)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[day] = result
        return result

    def intervals(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals on the local dates `first` … `last`, in order."""
        day = first
        while day <= last:
            yield from self.day_intervals(day)
            day += timedelta(days=1)

    def _local_date(self, at: datetime) -> date:
        if at.tzinfo is None:
            raise ValueError("business time needs aware datetimes")
        return at.astimezone(ZoneInfo(self.timezone)).date()

    # -- questions -----------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        if self.always_open:
            return True
        return any(start <= at < end for start, end in self.day_intervals(self._local_date(at)))

    def next_open(self, at: datetime, within: timedelta) -> datetime | None:
        """The next opening after `at` (closed now) within `within`, else None."""
        first = self._local_date(at)
        last = first + timedelta(days=within.days)
        return next((start for start, _end in self.intervals(first, last) if start > at), None)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of working time has passed after `start`.

        Raises NoWorkingTime when the schedule has none within `LOOKAHEAD`, rather than
        answering with a far-off date nobody would notice.
        """
        if duration < _ZERO:
            raise ValueError("a duration of working time cannot be negative")
        day = self._local_date(start)
        zone = ZoneInfo(self.timezone)
        # In UTC: Python adds and subtracts datetimes of one zone on the wall clock, which
        # is off by an hour across a DST change.
        start = start.astimezone(UTC)
        if self.always_open:
            return (start + duration).astimezone(zone)
        if duration == _ZERO:
            return start.astimezone(zone)
        if not self.has_weekly_hours:
            raise NoWorkingTime(self.label, _("no weekly hours are set."))
        give_up = day + timedelta(days=LOOKAHEAD.days)
        remaining = duration
        while day <= give_up:
            for interval_start, interval_end in self.day_intervals(day):
                if interval_end <= start:
                    continue
                begin = max(interval_start, start)
                available = interval_end - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(zone)
                remaining -= available
            day += timedelta(days=1)
        raise NoWorkingTime(
            self.label,
            _("every day of the next two years is a holiday or has no hours."),
        )

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end)."""
        first, last = self._local_date(start), self._local_date(end)
        start, end = start.astimezone(UTC), end.astimezone(UTC)  # real, not wall-clock, time
        if end <= start:
            return _ZERO
        if self.always_open:
            return end - start
        total = _ZERO
        for interval_start, interval_end in self.intervals(first, last):
            overlap = min(interval_end, end) - max(interval_start, start)
            if overlap > _ZERO:
                total += overlap
        return total


ALWAYS_OPEN = BusinessCalendar(schedule_id=None, timezone=DEFAULT_TIMEZONE, always_open=True)

# schedule id → (its changed_at as the check query read it, the calendar)
_cache: dict[int, tuple[object, BusinessCalendar]] = {}
_cache_lock = Lock()


def _check_sql(with_team: bool) -> str:
    quote = connection.ops.quote_name
    table = quote(ServiceSchedule._meta.db_table)
    where = f"{quote('team_id')} = %s OR " if with_team else ""
    return (
        f"SELECT {quote('id')}, {quote('team_id')}, {quote('changed_at')} FROM {table} "
        f"WHERE {where}{quote('team_id')} IS NULL"
    )


def _candidates(team_id: int | None) -> list[tuple[int, int | None, object]]:
    """The team's schedule and the default ones, with their change stamps.

    Plain SQL: the ORM spends about 0.4 ms of CPU compiling this query, most of the
    budget of a deadline update on every customer message; the cursor takes 0.02 ms.
    """
    with connection.cursor() as cursor:
        if team_id is None:
            cursor.execute(_check_sql(with_team=False))
        else:
            cursor.execute(_check_sql(with_team=True), [team_id])
        return [(row[0], row[1], row[2]) for row in cursor.fetchall()]


def calendar_for(team_id: int | None) -> BusinessCalendar:
    """The team's schedule as a calendar, else the default one, else always open.

    Same rule as `service_hours.schedule_for`. Cached in-process: a hit costs one indexed
    query, which also notices a team that got (or lost) its own schedule.
    """
    rows = _candidates(team_id)
    own = [row for row in rows if row[1] is not None]
    # Else the oldest default: the lowest id.
    chosen = own[0] if own else min(rows, key=lambda row: row[0], default=None)
    if chosen is None:
        return ALWAYS_OPEN
    pk, _team, stamp = chosen
    cached = _cache.get(pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    schedule = (
        ServiceSchedule.objects.select_related("team")
        .prefetch_related("hours", "holidays", "working_days")
        .get(pk=pk)
    )
    calendar = BusinessCalendar.from_schedule(schedule)
    # The stamp read before loading: a change in between makes the next check miss, and
    # the calendar is rebuilt then; it is never kept with data older than its stamp.
    with _cache_lock:
        _cache[pk] = (stamp, calendar)
    return calendar
