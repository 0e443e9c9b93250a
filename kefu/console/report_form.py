"""The reports page's GET form: a period preset or custom dates, and a team, channel, inbox.

The presets are the console's words for a period; the checks on dates and ids (reversed,
too long, unknown team…) belong to `reports.filters.parse_filter`, which raises them with
translated messages.
"""

from collections.abc import Mapping
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.reports.filters import ReportFilter, ReportFilterError, parse_filter

DEFAULT_PERIOD = "7d"
CUSTOM = "custom"
PERIODS: tuple[tuple[str, Promise], ...] = (
    ("today", gettext_lazy("Today")),
    ("7d", gettext_lazy("Last 7 days")),
    ("30d", gettext_lazy("Last 30 days")),
    ("month", gettext_lazy("This month")),
    (CUSTOM, gettext_lazy("Custom dates")),
)


class UnknownPeriod(ReportFilterError):
    code = "unknown_period"


def period_of(params: Mapping[str, str]) -> str:
    """The chosen preset; dates without a preset (a bookmarked link) mean custom dates."""
    if period := params.get("period", ""):
        return period
    return CUSTOM if params.get("start") or params.get("end") else DEFAULT_PERIOD


def period_dates(
    period: str, params: Mapping[str, str], today: date
) -> tuple[str | date, str | date]:
    """First and last day, both included; a custom period's dates are checked by the parser."""
    if period == "today":
        return today, today
    if period == "7d":
        return today - timedelta(days=6), today
    if period == "30d":
        return today - timedelta(days=29), today
    if period == "month":
        return today.replace(day=1), today
    if period == CUSTOM:
        start, end = params.get("start", "").strip(), params.get("end", "").strip()
        if not start or not end:
            raise UnknownPeriod(_("Give both a first and a last day for custom dates."))
        return start, end
    raise UnknownPeriod(_("Choose a period from the list."))


def read_filter(params: Mapping[str, str], tz: ZoneInfo, today: date) -> ReportFilter:
    """The form's filter; raises ReportFilterError with a translated message."""
    start, end = period_dates(period_of(params), params, today)
    return parse_filter(
        start,
        end,
        tz,
        team_ids=_chosen(params, "team"),
        channels=_chosen(params, "channel"),
        inbox_ids=_chosen(params, "inbox"),
    )


def _chosen(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    value = params.get(name, "").strip()
    return (value,) if value else ()
