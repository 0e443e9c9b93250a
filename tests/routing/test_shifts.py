"""Weekly shifts may not overlap, also across midnight and across the end of the week."""

from collections.abc import Iterator
from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kefu.routing.shifts import Shift, check_shifts


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Shift(0, time(9), time(13)), Shift(0, time(12), time(18))),
        (Shift(0, time(9), time(18)), Shift(0, time(10), time(11))),
        # Monday's night shift runs into Tuesday's morning shift.
        (Shift(0, time(22), time(6)), Shift(1, time(5), time(12))),
        # Sunday's night shift runs into Monday, the start of the week.
        (Shift(6, time(22), time(6)), Shift(0, time(5), time(12))),
        # Equal times are a 24-hour shift.
        (Shift(2, time(8), time(8)), Shift(3, time(7), time(9))),
    ],
)
def test_overlapping_shifts_are_refused(first: Shift, second: Shift) -> None:
    with pytest.raises(ValidationError) as raised:
        check_shifts([first, second])
    assert raised.value.messages == [
        f"The shifts {first} and {second} overlap; make one end before the other begins."
    ]


@pytest.mark.parametrize(
    "shifts",
    [
        [Shift(0, time(9), time(13)), Shift(0, time(13), time(18))],
        [Shift(0, time(22), time(6)), Shift(1, time(6), time(12))],
        [Shift(6, time(22), time(6)), Shift(0, time(6), time(12))],
        [Shift(day, time(0), time(0)) for day in range(7)],
        [],
    ],
)
def test_shifts_that_touch_are_accepted(shifts: list[Shift]) -> None:
    check_shifts(shifts)


def test_the_refusal_is_translated() -> None:
    with translation.override("zh-hant"), pytest.raises(ValidationError) as raised:
        check_shifts([Shift(0, time(22), time(6)), Shift(1, time(5), time(12))])
    assert raised.value.messages == [
        "班次 星期一 22:00–06:00 與 星期二 05:00–12:00 重疊；請讓其中一個在另一個開始前結束。"
    ]
