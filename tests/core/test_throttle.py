"""The fixed-window counter behind the sign-in rate limits."""

import time

from kefu.core import throttle

LIMIT = throttle.Limit("test", attempts=3, window_seconds=1)


def test_the_limit_allows_that_many_attempts_then_refuses() -> None:
    assert [throttle.hit(LIMIT, "a") for _ in range(4)] == [True, True, True, False]


def test_keys_are_counted_apart() -> None:
    for _ in range(3):
        throttle.hit(LIMIT, "a")
    assert throttle.hit(LIMIT, "b")


def test_the_window_ends() -> None:
    for _ in range(4):
        throttle.hit(LIMIT, "c")
    time.sleep(1.1)
    assert throttle.hit(LIMIT, "c")
