"""Whether a team is answering live chat now, and when it opens next."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kefu.agents.models import Team
from kefu.routing.models import ServiceSchedule

# Far enough to step over the longest public holidays (Spring Festival, Golden Week).
_LOOKAHEAD_DAYS = 21


@dataclass(frozen=True)
class ServiceStatus:
    is_open: bool
    next_open: datetime | None  # None while open, or when no opening is scheduled ahead


def schedule_for(team: Team | None) -> ServiceSchedule | None:
    """The team's own schedule, else the default one, else None (always open)."""
    schedules = ServiceSchedule.objects.prefetch_related("hours", "holidays")
    if team is not None:
        own = schedules.filter(team=team).first()
        if own is not None:
            return own
    return schedules.filter(team__isnull=True).order_by("pk").first()


def _open_intervals(
    schedule: ServiceSchedule, first: date, days: int
) -> Iterator[tuple[datetime, datetime]]:
    """Opening intervals starting on `first` … `first + days`, holidays cut out.

    An interval that runs past midnight is split at midnight, so a holiday closes exactly
    its own local calendar date, whichever day a shift began on.
    """
    zone = ZoneInfo(schedule.timezone)
    holidays = {holiday.date for holiday in schedule.holidays.all()}
    for offset in range(days + 1):
        day = first + timedelta(days=offset)
        for slot in schedule.hours.all():
            if slot.weekday != day.weekday():
                continue
            start = datetime.combine(day, slot.opens, zone)
            end_day = day if slot.closes > slot.opens else day + timedelta(days=1)
            end = datetime.combine(end_day, slot.closes, zone)
            while start < end:
                midnight = datetime.combine(start.date() + timedelta(days=1), time(0), zone)
                piece_end = min(end, midnight)
                if start.date() not in holidays:
                    yield start, piece_end
                start = piece_end


def service_status(team: Team | None = None, now: datetime | None = None) -> ServiceStatus:
    return status_of(schedule_for(team), now or timezone.now())


def status_of(schedule: ServiceSchedule | None, now: datetime) -> ServiceStatus:
    if schedule is None or schedule.extended_hours:
        return ServiceStatus(is_open=True, next_open=None)
    local_today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    # Start a day early: last night's shift may still be running.
    intervals = sorted(
        _open_intervals(schedule, local_today - timedelta(days=1), _LOOKAHEAD_DAYS + 1)
    )
    for start, end in intervals:
        if start <= now < end:
            return ServiceStatus(is_open=True, next_open=None)
    upcoming = [start for start, _end in intervals if start > now]
    return ServiceStatus(is_open=False, next_open=min(upcoming) if upcoming else None)


def schedules_with_status(now: datetime) -> list[tuple[ServiceSchedule, ServiceStatus]]:
    """Every schedule (the default first) and whether it is open: three queries."""
    schedules = ServiceSchedule.objects.select_related("team").prefetch_related("hours", "holidays")
    ordered = sorted(schedules, key=lambda s: (s.team_id is not None, str(s)))
    return [(schedule, status_of(schedule, now)) for schedule in ordered]
