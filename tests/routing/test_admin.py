"""Administrators set service hours and holidays in the admin site."""

from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.routing.business_time import calendar_for
from kefu.routing.models import Holiday, ServiceSchedule, Source, WeeklyHours, WorkingDay
from tests.conftest import verified_client

_FORMSETS = {
    "hours-TOTAL_FORMS": "1",
    "hours-INITIAL_FORMS": "0",
    "hours-0-weekday": "0",
    "hours-0-opens": "09:00",
    "hours-0-closes": "18:00",
    "holidays-TOTAL_FORMS": "1",
    "holidays-INITIAL_FORMS": "0",
    "holidays-0-date": "2026-10-01",
    "holidays-0-name": "National Day",
    "working_days-TOTAL_FORMS": "0",
    "working_days-INITIAL_FORMS": "0",
}


def test_an_administrator_creates_a_schedule_with_hours_and_a_holiday(
    agent_factory: Callable[..., Agent],
) -> None:
    client = verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))
    url = "/admin/routing/serviceschedule/add/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"timezone": "Asia/Shanghai", **_FORMSETS})
    assert response.status_code == 302
    schedule = ServiceSchedule.objects.get()
    assert [str(h) for h in schedule.hours.all()] == ["Monday 09:00–18:00"]
    assert schedule.holidays.get().name == "National Day"


def test_a_misspelt_time_zone_is_refused_with_a_clear_error(
    agent_factory: Callable[..., Agent],
) -> None:
    client = verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))
    response = client.post(
        "/admin/routing/serviceschedule/add/",
        {"timezone": "Asia/Shangai", **_FORMSETS},
    )
    assert response.status_code == 200
    assert "is not a time zone name such as Asia/Shanghai" in response.content.decode()
    assert not ServiceSchedule.objects.exists()


def _admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


def test_overlapping_shifts_are_refused_on_the_change_form(
    agent_factory: Callable[..., Agent],
) -> None:
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=1, opens=time(9), closes=time(18))
    response = _admin_client(agent_factory).post(
        f"/admin/routing/serviceschedule/{schedule.pk}/change/",
        {
            "timezone": "Asia/Shanghai",
            "country": "CN",
            **_FORMSETS,
            "hours-TOTAL_FORMS": "2",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(schedule.hours.get().pk),
            "hours-0-schedule": str(schedule.pk),
            "hours-0-weekday": "1",
            "hours-0-opens": "09:00",
            "hours-0-closes": "18:00",
            "hours-1-weekday": "0",
            "hours-1-opens": "22:00",
            "hours-1-closes": "10:00",  # Monday night into Tuesday's 09:00 shift
        },
    )
    assert response.status_code == 200
    assert (
        "The shifts Tuesday 09:00–18:00 and Monday 22:00–10:00 overlap; "
        "make one end before the other begins."
    ) in response.content.decode()
    assert schedule.hours.count() == 1


def test_a_schedule_without_weekly_hours_is_refused(agent_factory: Callable[..., Agent]) -> None:
    response = _admin_client(agent_factory).post(
        "/admin/routing/serviceschedule/add/",
        {"timezone": "Asia/Shanghai", **_FORMSETS, "hours-TOTAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "Set at least one row of weekly hours" in response.content.decode()
    assert not ServiceSchedule.objects.exists()


def test_an_unknown_country_is_refused(agent_factory: Callable[..., Agent]) -> None:
    response = _admin_client(agent_factory).post(
        "/admin/routing/serviceschedule/add/",
        {"timezone": "Asia/Shanghai", "country": "ZZ", **_FORMSETS},
    )
    assert response.status_code == 200
    assert "is not a country code the holiday calendar knows" in response.content.decode()


def test_a_saved_change_refreshes_the_cached_calendar_and_edits_become_local(
    agent_factory: Callable[..., Agent],
) -> None:
    schedule = ServiceSchedule.objects.create()
    hours = WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    imported = Holiday.objects.create(
        schedule=schedule, date=date(2026, 10, 1), name="国庆节", source=Source.IMPORTED
    )
    monday = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert calendar_for(None).is_open(monday)
    response = _admin_client(agent_factory).post(
        f"/admin/routing/serviceschedule/{schedule.pk}/change/",
        {
            "timezone": "Asia/Shanghai",
            "country": "CN",
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(hours.pk),
            "hours-0-schedule": str(schedule.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "09:00",
            "hours-0-closes": "18:00",
            "holidays-TOTAL_FORMS": "2",
            "holidays-INITIAL_FORMS": "1",
            "holidays-0-id": str(imported.pk),
            "holidays-0-schedule": str(schedule.pk),
            "holidays-0-date": "2026-10-01",
            "holidays-0-name": "National Day",
            "holidays-1-date": "2026-11-23",
            "holidays-1-name": "Office move",
            "working_days-TOTAL_FORMS": "1",
            "working_days-INITIAL_FORMS": "0",
            "working_days-0-date": "2026-11-28",
            "working_days-0-works_as": "0",
        },
    )
    assert response.status_code == 302
    assert not calendar_for(None).is_open(monday)
    assert calendar_for(None).is_open(datetime(2026, 11, 28, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert {(h.name, h.source) for h in Holiday.objects.all()} == {
        ("National Day", Source.LOCAL),
        ("Office move", Source.LOCAL),
    }
    assert WorkingDay.objects.get().source == Source.LOCAL


def test_an_untouched_imported_holiday_stays_imported(agent_factory: Callable[..., Agent]) -> None:
    schedule = ServiceSchedule.objects.create()
    hours = WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    imported = Holiday.objects.create(
        schedule=schedule, date=date(2026, 10, 1), name="国庆节", source=Source.IMPORTED
    )
    response = _admin_client(agent_factory).post(
        f"/admin/routing/serviceschedule/{schedule.pk}/change/",
        {
            "timezone": "Asia/Shanghai",
            "country": "CN",
            "extended_hours": "on",
            "hours-TOTAL_FORMS": "1",
            "hours-INITIAL_FORMS": "1",
            "hours-0-id": str(hours.pk),
            "hours-0-schedule": str(schedule.pk),
            "hours-0-weekday": "0",
            "hours-0-opens": "09:00",
            "hours-0-closes": "18:00",
            "holidays-TOTAL_FORMS": "1",
            "holidays-INITIAL_FORMS": "1",
            "holidays-0-id": str(imported.pk),
            "holidays-0-schedule": str(schedule.pk),
            "holidays-0-date": "2026-10-01",
            "holidays-0-name": "国庆节",
            "working_days-TOTAL_FORMS": "0",
            "working_days-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Holiday.objects.get().source == Source.IMPORTED
    assert calendar_for(None).always_open
