from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kefu.agents.models import Team
from kefu.routing.models import Holiday, ServiceSchedule, WeeklyHours, WorkingDay
from kefu.routing.service_hours import ServiceStatus, service_status

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def office_hours(team: Team | None = None) -> ServiceSchedule:
    """Monday to Friday 09:00–18:00, Asia/Shanghai."""
    schedule = ServiceSchedule.objects.create(team=team)
    for weekday in range(5):
        WeeklyHours.objects.create(
            schedule=schedule, weekday=weekday, opens=time(9), closes=time(18)
        )
    return schedule


@pytest.mark.django_db
def test_without_any_schedule_chat_is_always_open() -> None:
    assert service_status(now=at(2026, 11, 22, 3)) == ServiceStatus(is_open=True, next_open=None)


@pytest.mark.django_db
def test_open_inside_weekly_hours_and_closed_outside() -> None:
    office_hours()
    # 2026-11-23 is a Monday.
    assert service_status(now=at(2026, 11, 23, 9)).is_open
    assert service_status(now=at(2026, 11, 23, 17, 59)).is_open
    evening = service_status(now=at(2026, 11, 23, 18))
    assert evening == ServiceStatus(is_open=False, next_open=at(2026, 11, 24, 9))


@pytest.mark.django_db
def test_friday_evening_opens_next_on_monday() -> None:
    office_hours()
    status = service_status(now=at(2026, 11, 27, 20))
    assert status == ServiceStatus(is_open=False, next_open=at(2026, 11, 30, 9))


@pytest.mark.django_db
def test_hours_are_read_in_the_schedule_time_zone() -> None:
    office_hours()
    # 01:30 UTC is 09:30 in Shanghai.
    assert service_status(now=datetime(2026, 11, 23, 1, 30, tzinfo=ZoneInfo("UTC"))).is_open
    schedule = ServiceSchedule.objects.get()
    schedule.timezone = "Europe/London"
    schedule.save()
    assert not service_status(now=datetime(2026, 11, 23, 1, 30, tzinfo=ZoneInfo("UTC"))).is_open


@pytest.mark.django_db
def test_a_holiday_closes_the_whole_day() -> None:
    schedule = office_hours()
    Holiday.objects.create(schedule=schedule, date=date(2026, 11, 24), name="Closed")
    status = service_status(now=at(2026, 11, 24, 11))
    assert status == ServiceStatus(is_open=False, next_open=at(2026, 11, 25, 9))


@pytest.mark.django_db
def test_a_long_holiday_is_stepped_over() -> None:
    schedule = office_hours()
    for day in range(1, 8):  # Golden Week
        Holiday.objects.create(schedule=schedule, date=date(2026, 10, day))
    status = service_status(now=at(2026, 9, 30, 19))
    assert status == ServiceStatus(is_open=False, next_open=at(2026, 10, 8, 9))


@pytest.mark.django_db
def test_a_night_shift_runs_across_midnight() -> None:
    schedule = ServiceSchedule.objects.create()
    # Monday 22:00 until Tuesday 06:00.
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(22), closes=time(6))
    assert service_status(now=at(2026, 11, 23, 23)).is_open
    assert service_status(now=at(2026, 11, 24, 5, 59)).is_open
    after = service_status(now=at(2026, 11, 24, 6))
    assert after == ServiceStatus(is_open=False, next_open=at(2026, 11, 30, 22))


@pytest.mark.django_db
def test_a_holiday_after_midnight_cuts_a_night_shift_short() -> None:
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(22), closes=time(6))
    Holiday.objects.create(schedule=schedule, date=date(2026, 11, 24))
    assert service_status(now=at(2026, 11, 23, 23)).is_open
    assert not service_status(now=at(2026, 11, 24, 1)).is_open


@pytest.mark.django_db
def test_equal_opening_and_closing_times_mean_the_whole_day() -> None:
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=5, opens=time(0), closes=time(0))
    assert service_status(now=at(2026, 11, 28, 0)).is_open
    assert service_status(now=at(2026, 11, 28, 23, 59)).is_open
    assert not service_status(now=at(2026, 11, 29, 0, 1)).is_open


@pytest.mark.django_db
def test_extended_hours_open_around_the_clock() -> None:
    schedule = office_hours()
    schedule.extended_hours = True
    schedule.save()
    assert service_status(now=at(2026, 11, 28, 3)) == ServiceStatus(is_open=True, next_open=None)


@pytest.mark.django_db
def test_a_team_schedule_overrides_the_default_and_others_fall_back() -> None:
    security = Team.objects.create(name="Security", slug="security")
    payments = Team.objects.create(name="Payments", slug="payments")
    office_hours()
    always = ServiceSchedule.objects.create(team=security, extended_hours=True)
    saturday_night = at(2026, 11, 28, 23)
    assert service_status(security, now=saturday_night).is_open
    assert not service_status(payments, now=saturday_night).is_open
    assert always.team == security


@pytest.mark.django_db
def test_no_opening_ahead_gives_no_next_open() -> None:
    ServiceSchedule.objects.create()
    assert service_status(now=at(2026, 11, 23, 12)) == ServiceStatus(is_open=False, next_open=None)


@pytest.mark.django_db
def test_a_make_up_saturday_opens_live_chat() -> None:
    schedule = office_hours()
    WorkingDay.objects.create(schedule=schedule, date=date(2026, 11, 28), name="调休")
    # Friday evening: the next opening is the make-up Saturday, not Monday.
    friday = service_status(now=at(2026, 11, 27, 20))
    assert friday == ServiceStatus(is_open=False, next_open=at(2026, 11, 28, 9))
    assert service_status(now=at(2026, 11, 28, 10)).is_open
    assert not service_status(now=at(2026, 11, 29, 10)).is_open


@pytest.mark.django_db
def test_a_team_schedule_status_reads_four_queries(django_assert_num_queries: Any) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    office_hours(team)
    with django_assert_num_queries(4):  # the schedule with its team, hours, holidays, make-ups
        service_status(team, now=at(2026, 11, 23, 10))
