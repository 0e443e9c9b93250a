"""What a report is asked for: a period in the viewer's time zone and optional filters.

`parse_filter` validates what a page or the CSV export received and builds a
`ReportFilter`; views hand that to the functions in selectors.py. Every refusal is a
`KefuError` with a stable code and a translated message.

Rollups are kept per UTC hour, so a period is turned into whole UTC hours: from the hour
holding local midnight of `start` to the hour holding local midnight after `end`. For zones
a whole number of hours from UTC this is exact; for zones with a half-hour or 45-minute
offset (India, Nepal, parts of Australia) each boundary, and each hour of the heatmap, is
off by that fraction of an hour.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from kefu.agents.models import Team
from kefu.core.errors import KefuError
from kefu.inboxes.models import Channel, Inbox

# The longest period one report covers; a longer one is refused with a translated error.
MAX_DAYS = 366


class ReportFilterError(KefuError):
    code = "report_filter"


class PeriodReversed(ReportFilterError):
    code = "period_reversed"


class PeriodTooLong(ReportFilterError):
    code = "period_too_long"


class BadDate(ReportFilterError):
    code = "bad_date"


class UnknownTeam(ReportFilterError):
    code = "unknown_team"


class UnknownChannel(ReportFilterError):
    code = "unknown_channel"


class UnknownInbox(ReportFilterError):
    code = "unknown_inbox"


@dataclass(frozen=True)
class ReportFilter:
    start: date  # first day, inclusive, in `tz`
    end: date  # last day, inclusive, in `tz`
    tz: ZoneInfo
    team_ids: tuple[int, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    inbox_ids: tuple[int, ...] = field(default=())

    def utc_range(self) -> tuple[datetime, datetime]:
        """The whole UTC hours the period covers: [first, last)."""
        return _hour_of(self.start, self.tz), _hour_of(self.end + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @classmethod
    def parse(
        cls,
        start: str | date,
        end: str | date,
        tz: ZoneInfo,
        team_ids: Iterable[int | str] = (),
        channels: Iterable[str] = (),
        inbox_ids: Iterable[int | str] = (),
    ) -> "ReportFilter":
        return parse_filter(start, end, tz, team_ids, channels, inbox_ids)


def _hour_of(day: date, tz: ZoneInfo) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    return local.replace(minute=0, second=0, microsecond=0)


def _date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadDate(
            _("“%(value)s” is not a date; use the form 2026-01-31.") % {"value": value}
        ) from None


def _ids(values: Iterable[int | str], error: type[ReportFilterError]) -> tuple[int, ...]:
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise error(_("“%(value)s” is not a valid choice.") % {"value": value}) from None
    return tuple(sorted(set(ids)))


def parse_filter(
    start: str | date,
    end: str | date,
    tz: ZoneInfo,
    team_ids: Iterable[int | str] = (),
    channels: Iterable[str] = (),
    inbox_ids: Iterable[int | str] = (),
) -> ReportFilter:
    """A checked filter; raises a ReportFilterError subclass with a translated message."""
    first, last = _date(start), _date(end)
    if last < first:
        raise PeriodReversed(_("The period ends before it starts; swap the two dates."))
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodTooLong(
            _("A report covers at most %(days)d days; choose a shorter period.")
            % {"days": MAX_DAYS}
        )
    teams = _ids(team_ids, UnknownTeam)
    if teams and Team.objects.filter(pk__in=teams).count() != len(teams):
        raise UnknownTeam(_("One of the chosen teams does not exist."))
    kinds = tuple(sorted(set(channels)))
    if any(kind not in Channel.values for kind in kinds):
        raise UnknownChannel(_("One of the chosen channels does not exist."))
    inboxes = _ids(inbox_ids, UnknownInbox)
    if inboxes and Inbox.objects.filter(pk__in=inboxes).count() != len(inboxes):
        raise UnknownInbox(_("One of the chosen inboxes does not exist."))
    return ReportFilter(
        start=first, end=last, tz=tz, team_ids=teams, channels=kinds, inbox_ids=inboxes
    )
