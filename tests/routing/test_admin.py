"""Administrators set service hours and holidays in the admin site."""

from collections.abc import Callable

from kefu.agents.models import Agent, Role
from kefu.routing.models import ServiceSchedule
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
