"""Weekly shifts that must not overlap, across midnight and across the week's end too."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kefu.routing.models import Weekday

_WEEK = 7 * 24 * 60


@dataclass(frozen=True)
class Shift:
    """Open from `opens` to `closes` on `weekday`; past midnight when `closes` <= `opens`."""

    weekday: int
    opens: time
    closes: time

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def minutes(self) -> tuple[int, int]:
        """Start and end in minutes after Monday 00:00 (the end may pass the week's end)."""
        opens = self.opens.hour * 60 + self.opens.minute
        closes = self.closes.hour * 60 + self.closes.minute
        length = closes - opens if closes > opens else closes - opens + 24 * 60
        start = self.weekday * 24 * 60 + opens
        return start, start + length


def _overlap(first: Shift, second: Shift) -> bool:
    a_start, a_end = first.minutes()
    b_start, b_end = second.minutes()
    # A Sunday night shift runs into Monday: compare a week earlier and later as well.
    return any(a_start < b_end + shift and b_start + shift < a_end for shift in (-_WEEK, 0, _WEEK))


def check_shifts(shifts: Iterable[Shift]) -> None:
    """Refuse overlapping shifts with a message naming the first pair found."""
    listed = list(shifts)
    for index, first in enumerate(listed):
        for second in listed[index + 1 :]:
            if _overlap(first, second):
                raise ValidationError(
                    _(
                        "The shifts %(first)s and %(second)s overlap; "
                        "make one end before the other begins."
                    ),
                    code="overlapping_shifts",
                    params={"first": str(first), "second": str(second)},
                )
