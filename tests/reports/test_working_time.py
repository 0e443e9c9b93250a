"""Business time by prefix sums equals BusinessCalendar.between, which it replaces in rollups."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from kefu.reports.rollup import WorkingTime
from kefu.routing.business_time import BusinessCalendar

NINE_TO_SIX = ((9 * 3600, 18 * 3600),)
# Monday to Friday 9–18, Saturday a night shift 22:00 → Sunday 06:00.
SAME_DAY = (*(NINE_TO_SIX,) * 5, ((22 * 3600, 24 * 3600),), ())
SPILL = ((),) * 5 + (((0, 6 * 3600),), ())


def _calendar(zone: str, always_open: bool = False) -> BusinessCalendar:
    return BusinessCalendar(
        schedule_id=1,
        timezone=zone,
        always_open=always_open,
        same_day=SAME_DAY,
        spill=SPILL,
        holidays=frozenset({date(2026, 3, 10), date(2026, 11, 2)}),
        working_days={date(2026, 3, 14): 0},  # a Saturday worked as a Monday
    )


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Shanghai", "Asia/Kolkata"])
@pytest.mark.parametrize("always_open", [False, True])
def test_prefix_sums_equal_between_on_random_instants(zone: str, always_open: bool) -> None:
    calendar = _calendar(zone, always_open)
    working = WorkingTime(calendar)
    rng = random.Random(zone)
    # Across both DST changes of 2026 in New York (8 March, 1 November).
    origin = datetime(2026, 2, 20, tzinfo=UTC)
    for _ in range(400):
        start = origin + timedelta(seconds=rng.randrange(300 * 86400))
        end = start + timedelta(
            seconds=rng.choice([rng.randrange(7200), rng.randrange(60 * 86400)])
        )
        expected = calendar.between(start, end).total_seconds()
        assert working.seconds(start, end) == pytest.approx(expected, abs=1e-3)


def test_nothing_is_worked_backwards_or_on_a_holiday() -> None:
    working = WorkingTime(_calendar("Asia/Shanghai"))
    holiday_noon = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    assert working.seconds(holiday_noon, holiday_noon + timedelta(hours=2)) == 0.0
    assert working.seconds(holiday_noon, holiday_noon - timedelta(hours=2)) == 0.0
