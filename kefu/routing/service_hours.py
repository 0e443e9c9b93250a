"""Whether a team is answering live chat now, and when it opens next."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kefu.agents.models import Team
from kefu.routing.business_time import BusinessCalendar
from kefu.routing.models import ServiceSchedule

# Far enough to step over the longest public holidays (Spring Festival, Golden Week).
_LOOKAHEAD = timedelta(days=21)


@dataclass(frozen=True)
class ServiceStatus:
    is_open: bool
    next_open: datetime | None  # None while open, or when no opening is scheduled ahead


def schedule_for(team: Team | None) -> ServiceSchedule | None:
    """The team's own schedule, else the default one, else None (always open)."""
    schedules = ServiceSchedule.objects.select_related("team").prefetch_related(
        "hours", "holidays", "working_days"
    )
    if team is not None:
        own = schedules.filter(team=team).first()
        if own is not None:
            return own
    return schedules.filter(team__isnull=True).order_by("pk").first()


def service_status(team: Team | None = None, now: datetime | None = None) -> ServiceStatus:
    return status_of(schedule_for(team), now or timezone.now())


def status_of(schedule: ServiceSchedule | None, now: datetime) -> ServiceStatus:
    """Open or closed by the same working-time rules as SLA deadlines (`business_time`)."""
    calendar = BusinessCalendar.from_schedule(schedule)
    if calendar.is_open(now):
        return ServiceStatus(is_open=True, next_open=None)
    next_open = calendar.next_open(now, within=_LOOKAHEAD)
    zone = ZoneInfo(calendar.timezone)
    return ServiceStatus(is_open=False, next_open=next_open.astimezone(zone) if next_open else None)


def schedules_with_status(now: datetime) -> list[tuple[ServiceSchedule, ServiceStatus]]:
    """Every schedule (the default first) and whether it is open: four queries."""
    schedules = ServiceSchedule.objects.select_related("team").prefetch_related(
        "hours", "holidays", "working_days"
    )
    ordered = sorted(schedules, key=lambda s: (s.team_id is not None, str(s)))
    return [(schedule, status_of(schedule, now)) for schedule in ordered]
