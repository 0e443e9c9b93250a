"""What a report is asked for: a period in the viewer's time zone and optional filters.

Parsing and validation live in `ReportFilter.parse` (implemented with the rollups); views
and the CSV export build one and hand it to the functions in selectors.py.
"""

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

# The longest period one report covers; a longer one is refused with a translated error.
MAX_DAYS = 366


@dataclass(frozen=True)
class ReportFilter:
    start: date  # first day, inclusive, in `tz`
    end: date  # last day, inclusive, in `tz`
    tz: ZoneInfo
    team_ids: tuple[int, ...] = field(default=())
    channels: tuple[str, ...] = field(default=())
    inbox_ids: tuple[int, ...] = field(default=())
