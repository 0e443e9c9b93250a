"""Business-time arithmetic on service schedules, and the cached calendars the SLA clocks use."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.agents.models import Agent, Role, Team
from kefu.routing import actions
from kefu.routing.business_time import (
    ALWAYS_OPEN,
    BusinessCalendar,
    NoWorkingTime,
    calendar_for,
)
from kefu.routing.models import Holiday, ServiceSchedule, WeeklyHours, WorkingDay
from kefu.routing.shifts import Shift

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")

# (weekday, opens, closes); Monday = 0
OFFICE = tuple((weekday, time(9), time(18)) for weekday in range(5))
MONDAY_NIGHT = ((0, time(22), time(6)),)
WEEKEND_NIGHT = ((5, time(22), time(6)),)  # Saturday 22:00 to Sunday 06:00

# China's 2026 National Day "golden week", as the State Council published it: closed
# 1–7 October (the 4th is a Sunday anyway), worked on Sunday 20 September and Saturday
# 10 October instead.
GOLDEN_WEEK = tuple(date(2026, 10, day) for day in (1, 2, 3, 5, 6, 7))
GOLDEN_WEEK_MAKE_UP = (date(2026, 9, 20), date(2026, 10, 10))


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def sh(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def ny(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NEW_YORK)


def make_schedule(
    hours: Sequence[tuple[int, time, time]] = OFFICE,
    *,
    holidays: Sequence[date] = (),
    working_days: Sequence[date] = (),
    zone: str = "Asia/Shanghai",
    extended: bool = False,
    team: Team | None = None,
) -> ServiceSchedule:
    schedule = ServiceSchedule.objects.create(
        timezone=zone, extended_hours=extended, team=team, country=""
    )
    WeeklyHours.objects.bulk_create(
        WeeklyHours(schedule=schedule, weekday=w, opens=o, closes=c) for w, o, c in hours
    )
    Holiday.objects.bulk_create(Holiday(schedule=schedule, date=d) for d in holidays)
    WorkingDay.objects.bulk_create(WorkingDay(schedule=schedule, date=d) for d in working_days)
    return schedule


@dataclass(frozen=True)
class Case:
    name: str
    start: datetime
    duration: timedelta
    expected: datetime
    hours: Sequence[tuple[int, time, time]] = OFFICE
    holidays: Sequence[date] = ()
    working_days: Sequence[date] = ()
    zone: str = "Asia/Shanghai"
    extended: bool = False


H = timedelta(hours=1)

# 2026-11-23 is a Monday.
CASES = [
    Case("within one working day", sh(11, 23, 10), 2 * H, sh(11, 23, 12)),
    Case("past closing into the next morning", sh(11, 23, 17), 2 * H, sh(11, 24, 10)),
    Case("over the weekend", sh(11, 27, 17), 2 * H, sh(11, 30, 10)),
    Case("started on a Saturday", sh(11, 28, 12), H, sh(11, 30, 10)),
    Case("started before opening", sh(11, 23, 7), H, sh(11, 23, 10)),
    Case("over a holiday", sh(11, 23, 17), 2 * H, sh(11, 25, 10), holidays=[date(2026, 11, 24)]),
    Case(
        "into a make-up Saturday",
        sh(11, 27, 17),
        2 * H,
        sh(11, 28, 10),
        working_days=[date(2026, 11, 28)],
    ),
    Case("a night shift across midnight", sh(11, 23, 23), 3 * H, sh(11, 24, 2), MONDAY_NIGHT),
    Case("a night shift ends at its closing", sh(11, 23, 21), 8 * H, sh(11, 24, 6), MONDAY_NIGHT),
    Case("to next week's night shift", sh(11, 23, 21), 9 * H, sh(11, 30, 23), MONDAY_NIGHT),
    Case(
        "a holiday cuts a night shift at midnight",
        sh(11, 23, 23),
        2 * H,
        sh(11, 30, 23),
        MONDAY_NIGHT,
        holidays=[date(2026, 11, 24)],
    ),
    Case(
        "golden week: the deadline crosses National Day",
        sh(9, 30, 17),
        3 * H,
        sh(10, 8, 11),
        holidays=GOLDEN_WEEK,
        working_days=GOLDEN_WEEK_MAKE_UP,
    ),
    Case(
        "golden week: two working days after the eve",
        sh(9, 30, 17),
        18 * H,
        sh(10, 9, 17),
        holidays=GOLDEN_WEEK,
        working_days=GOLDEN_WEEK_MAKE_UP,
    ),
    Case(
        "golden week: onto the make-up Sunday before it",
        sh(9, 18, 17),
        2 * H,
        sh(9, 20, 10),
        holidays=GOLDEN_WEEK,
        working_days=GOLDEN_WEEK_MAKE_UP,
    ),
    Case(
        "golden week: onto the make-up Saturday after it",
        sh(10, 9, 17),
        2 * H,
        sh(10, 10, 10),
        holidays=GOLDEN_WEEK,
        working_days=GOLDEN_WEEK_MAKE_UP,
    ),
    # New York leaves standard time at 02:00 on Sunday 8 March 2026, returns 1 November.
    Case(
        "DST spring: the night of the change is an hour shorter",
        ny(3, 7, 22),
        7 * H,
        ny(3, 8, 6),
        WEEKEND_NIGHT,
        zone="America/New_York",
    ),
    Case(
        "DST spring: an hour more runs into next Saturday",
        ny(3, 7, 22),
        8 * H,
        ny(3, 14, 23),
        WEEKEND_NIGHT,
        zone="America/New_York",
    ),
    Case(
        "DST autumn: the night of the change is an hour longer",
        ny(10, 31, 22),
        8 * H,
        datetime(2026, 11, 1, 10, tzinfo=UTC),  # 05:00 EST, 7 h after midnight EDT
        WEEKEND_NIGHT,
        zone="America/New_York",
    ),
    Case(
        "DST spring: office hours keep their wall-clock times",
        ny(3, 6, 17),
        2 * H,
        ny(3, 9, 10),
        zone="America/New_York",
    ),
    Case("extended hours: calendar time", sh(11, 27, 17), 2 * H, sh(11, 27, 19), extended=True),
    Case(
        "extended hours: a weekend counts",
        sh(11, 27, 17),
        48 * H,
        sh(11, 29, 17),
        extended=True,
    ),
    Case(
        "extended hours: 24 real hours over the DST change",
        ny(3, 7, 12),
        24 * H,
        ny(3, 8, 13),
        zone="America/New_York",
        extended=True,
    ),
    Case("exactly at opening", sh(11, 23, 9), H, sh(11, 23, 10)),
    Case("a full day ends at closing, not next morning", sh(11, 23, 9), 9 * H, sh(11, 23, 18)),
    Case("exactly at closing", sh(11, 23, 18), timedelta(minutes=1), sh(11, 24, 9, 1)),
    Case("zero while open", sh(11, 23, 10), timedelta(0), sh(11, 23, 10)),
    Case("zero while closed stays put", sh(11, 28, 3), timedelta(0), sh(11, 28, 3)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_add_and_between(case: Case) -> None:
    make_schedule(
        case.hours,
        holidays=case.holidays,
        working_days=case.working_days,
        zone=case.zone,
        extended=case.extended,
    )
    calendar = calendar_for(None)
    deadline = calendar.add(case.start, case.duration)
    assert deadline == case.expected
    # `between` is the inverse of `add`: exactly the duration lies between the two.
    assert calendar.between(case.start, deadline) == case.duration


@pytest.mark.django_db
def test_between_counts_only_working_time() -> None:
    make_schedule(holidays=[date(2026, 11, 24)])
    calendar = calendar_for(None)
    # Monday 12:00 to the next Monday 12:00: 6 + (Wed, Thu, Fri) 27 + 3 hours.
    assert calendar.between(sh(11, 23, 12), sh(11, 30, 12)) == 36 * H
    assert calendar.between(sh(11, 30, 12), sh(11, 23, 12)) == timedelta(0)
    assert calendar.between(sh(11, 28, 0), sh(11, 29, 23)) == timedelta(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (sh(11, 23, 9), True),  # opening instant belongs to the shift
        (sh(11, 23, 18), False),  # closing instant does not
        (sh(11, 24, 12), False),  # holiday
        (sh(11, 28, 12), True),  # make-up Saturday, with Monday's hours
        (sh(11, 28, 8, 59), False),
        (sh(11, 29, 12), False),  # plain Sunday
    ],
)
def test_is_open(at: datetime, is_open: bool) -> None:
    make_schedule(holidays=[date(2026, 11, 24)], working_days=[date(2026, 11, 28)])
    assert calendar_for(None).is_open(at) is is_open


@pytest.mark.django_db
def test_a_make_up_day_works_the_hours_of_the_weekday_it_stands_for() -> None:
    schedule = make_schedule([(0, time(9), time(12)), (4, time(14), time(20))])
    WorkingDay.objects.create(schedule=schedule, date=date(2026, 11, 28), works_as=4)
    calendar = calendar_for(None)
    assert not calendar.is_open(sh(11, 28, 10))
    assert calendar.is_open(sh(11, 28, 19))


@pytest.mark.django_db
def test_a_local_make_up_day_overrides_an_imported_holiday_and_not_the_reverse() -> None:
    schedule = make_schedule()
    Holiday.objects.create(schedule=schedule, date=date(2026, 11, 24), source="imported")
    WorkingDay.objects.create(schedule=schedule, date=date(2026, 11, 24), source="local")
    Holiday.objects.create(schedule=schedule, date=date(2026, 11, 25), source="local")
    WorkingDay.objects.create(schedule=schedule, date=date(2026, 11, 25), source="imported")
    calendar = calendar_for(None)
    assert calendar.is_open(sh(11, 24, 10))
    assert not calendar.is_open(sh(11, 25, 10))


@pytest.mark.django_db
def test_without_any_schedule_business_time_is_calendar_time() -> None:
    calendar = calendar_for(None)
    assert calendar is ALWAYS_OPEN
    assert calendar.add(sh(11, 28, 3), 5 * H) == sh(11, 28, 8)
    assert calendar.between(sh(11, 28, 3), sh(11, 28, 8)) == 5 * H


@pytest.mark.django_db
def test_a_schedule_without_weekly_hours_says_so_instead_of_never() -> None:
    make_schedule([])
    calendar = calendar_for(None)
    with pytest.raises(NoWorkingTime) as raised:
        calendar.add(sh(11, 23, 10), H)
    assert str(raised.value) == (
        "“Default service hours” has no working time: no weekly hours are set."
    )
    with translation.override("zh-hans"), pytest.raises(NoWorkingTime) as raised:
        calendar.add(sh(11, 23, 10), H)
    assert str(raised.value) == "“默认服务时间”没有工作时间：未设置每周服务时间。"


@pytest.mark.django_db
def test_a_calendar_of_nothing_but_holidays_says_so_after_two_years() -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    mondays = [date(2026, 11, 23) + timedelta(weeks=n) for n in range(110)]
    make_schedule([(0, time(9), time(18))], holidays=mondays, team=team)
    with pytest.raises(NoWorkingTime) as raised:
        calendar_for(team.pk).add(sh(11, 23, 10), H)
    assert str(raised.value) == (
        "“Payments” has no working time: "
        "every day of the next two years is a holiday or has no hours."
    )


@pytest.mark.django_db
def test_bad_arguments_are_refused() -> None:
    make_schedule()
    calendar = calendar_for(None)
    with pytest.raises(ValueError, match="negative"):
        calendar.add(sh(11, 23, 10), -H)
    with pytest.raises(ValueError, match="aware"):
        calendar.add(datetime(2026, 11, 23, 10), H)


# -- the cache the SLA engine relies on -----------------------------------------------------


@pytest.mark.django_db
def test_a_cached_calendar_costs_one_query(django_assert_num_queries: Any) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    make_schedule()
    first = calendar_for(team.pk)
    with django_assert_num_queries(1):
        again = calendar_for(team.pk)
    assert again is first
    with django_assert_num_queries(1):
        calendar_for(None)


@pytest.mark.django_db
def test_no_schedule_at_all_costs_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert calendar_for(None) is ALWAYS_OPEN


@pytest.mark.django_db
def test_extended_hours_refresh_the_cached_calendar(agent_factory: Callable[..., Agent]) -> None:
    schedule = make_schedule()
    supervisor = agent_factory(role=Role.SUPERVISOR)
    assert calendar_for(None).add(sh(11, 27, 17), 2 * H) == sh(11, 30, 10)
    actions.set_extended_hours(actor=supervisor, schedule=schedule, on=True)
    assert calendar_for(None).always_open
    assert calendar_for(None).add(sh(11, 27, 17), 2 * H) == sh(11, 27, 19)
    actions.set_extended_hours(actor=supervisor, schedule=schedule, on=False)
    assert calendar_for(None).add(sh(11, 27, 17), 2 * H) == sh(11, 30, 10)


@pytest.mark.django_db
def test_new_weekly_hours_refresh_the_cached_calendar(agent_factory: Callable[..., Agent]) -> None:
    schedule = make_schedule()
    before = calendar_for(None)
    actions.set_weekly_hours(
        actor=agent_factory(role=Role.ADMIN),
        schedule=schedule,
        shifts=[Shift(5, time(10), time(16))],
    )
    after = calendar_for(None)
    assert after is not before
    assert after.is_open(sh(11, 28, 12))
    assert not after.is_open(sh(11, 23, 12))


@pytest.mark.django_db
def test_a_team_that_gets_its_own_schedule_leaves_the_default() -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    default = make_schedule()
    assert calendar_for(team.pk).schedule_id == default.pk
    own = make_schedule(MONDAY_NIGHT, team=team)
    assert calendar_for(team.pk).schedule_id == own.pk
    own.delete()
    assert calendar_for(team.pk).schedule_id == default.pk
    default.delete()
    assert calendar_for(team.pk) is ALWAYS_OPEN


@pytest.mark.django_db
def test_the_oldest_default_schedule_counts() -> None:
    oldest = make_schedule()
    make_schedule(MONDAY_NIGHT)
    assert calendar_for(None).schedule_id == oldest.pk


def test_a_calendar_is_immutable() -> None:
    calendar = BusinessCalendar(schedule_id=None, timezone="Asia/Shanghai", always_open=True)
    with pytest.raises(AttributeError):
        calendar.always_open = False  # type: ignore[misc]  # the point of the test
