"""`kefu calendar import` loads the real 2026/2027 holiday calendars into schedules."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kefu.agents.models import Team
from kefu.routing.business_time import calendar_for
from kefu.routing.models import Holiday, ServiceSchedule, Source, WeeklyHours, WorkingDay

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
THREE_HOURS = timedelta(hours=3)


def run(*args: str) -> str:
    out = StringIO()
    # As from the shell, where the site's language (Chinese by default) is the active one.
    with translation.override("zh-hans"):
        call_command("calendar", "import", *args, stdout=out)
    return out.getvalue()


def test_the_default_schedule_gets_china_2026_and_2027_with_progress_per_year() -> None:
    schedule = ServiceSchedule.objects.create()  # country CN by default
    output = run("--schedule", "default", "--year", "2026", "2027")
    assert "默认服务时间 (CN):" in output
    assert "  2026: " in output
    assert "  2027: " in output
    assert Holiday.objects.filter(schedule=schedule, date=date(2026, 10, 1)).exists()
    assert Holiday.objects.filter(schedule=schedule, date=date(2027, 10, 1)).exists()
    assert WorkingDay.objects.filter(schedule=schedule, date=date(2026, 10, 10)).exists()
    assert not Holiday.objects.exclude(source=Source.IMPORTED).exists()


def test_running_it_again_adds_nothing() -> None:
    ServiceSchedule.objects.create()
    run("--year", "2026")
    holidays, working_days = Holiday.objects.count(), WorkingDay.objects.count()
    output = run("--year", "2026")
    assert "0 new, 0 renamed, 0 removed" in output
    assert (Holiday.objects.count(), WorkingDay.objects.count()) == (holidays, working_days)


def test_imported_days_move_sla_deadlines() -> None:
    schedule = ServiceSchedule.objects.create()
    for weekday in range(5):
        WeeklyHours.objects.create(
            schedule=schedule, weekday=weekday, opens=time(9), closes=time(18)
        )
    eve = datetime(2026, 9, 30, 17, tzinfo=SHANGHAI)
    assert calendar_for(None).add(eve, THREE_HOURS) == datetime(2026, 10, 1, 11, tzinfo=SHANGHAI)
    run("--schedule", str(schedule.pk), "--year", "2026")
    # Golden week is closed; Thursday 8 October is the next working day.
    assert calendar_for(None).add(eve, THREE_HOURS) == datetime(2026, 10, 8, 11, tzinfo=SHANGHAI)
    # Saturday 10 October is a make-up workday.
    assert calendar_for(None).is_open(datetime(2026, 10, 10, 10, tzinfo=SHANGHAI))


def test_other_places_come_from_the_same_library() -> None:
    team = Team.objects.create(name="Hong Kong desk", slug="hk")
    schedule = ServiceSchedule.objects.create(team=team, country="HK", timezone="Asia/Hong_Kong")
    run("--schedule", str(schedule.pk), "--year", "2026")
    assert Holiday.objects.filter(schedule=schedule, date=date(2026, 7, 1)).exists()


def test_without_schedule_every_schedule_with_a_country_is_filled() -> None:
    with_country = ServiceSchedule.objects.create()
    team = Team.objects.create(name="Payments", slug="payments")
    without = ServiceSchedule.objects.create(team=team, country="")
    run("--year", "2026")
    assert with_country.holidays.exists()
    assert not without.holidays.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--schedule", "nine"], "--schedule takes a schedule id or 'default', not 'nine'."),
        (["--schedule", "999"], "No service schedule '999'."),
        (["--year", "202"], "Years must lie between 2000 and 2100, not [202]."),
    ],
)
def test_bad_arguments_are_refused(args: list[str], message: str) -> None:
    ServiceSchedule.objects.create()
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value) == message


def test_a_schedule_without_a_country_is_refused_clearly() -> None:
    ServiceSchedule.objects.create(country="")
    with pytest.raises(CommandError) as raised:
        run("--schedule", "default")
    assert str(raised.value) == "“默认服务时间”未设置节假日日历的国家或地区。"
