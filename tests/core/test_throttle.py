"""The two attempt counters: the cache's (public endpoints) and the database's (security)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kefu.core import throttle
from kefu.core.models import AttemptCounter

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


@pytest.mark.django_db
def test_reserve_allows_that_many_attempts_then_refuses() -> None:
    assert [throttle.reserve(LIMIT, "a") for _ in range(5)] == [True, True, True, False, False]
    assert AttemptCounter.objects.get().attempts == 5


@pytest.mark.django_db
def test_reserve_counts_keys_apart_and_stores_no_key_in_clear() -> None:
    for _ in range(3):
        throttle.reserve(LIMIT, "li.na@example.com")
    assert throttle.reserve(LIMIT, "zhang.wei@example.com")
    assert throttle.reserve(throttle.Limit("other", 3, 1), "li.na@example.com")
    keys = list(AttemptCounter.objects.values_list("key", flat=True))
    assert len(keys) == 3
    assert not any("example.com" in key for key in keys)


@pytest.mark.django_db
def test_reserve_starts_a_new_window_once_the_old_one_ended() -> None:
    for _ in range(4):
        throttle.reserve(LIMIT, "a")
    AttemptCounter.objects.update(window_ends=timezone.now() - timedelta(seconds=1))
    assert throttle.reserve(LIMIT, "a")
    counter = AttemptCounter.objects.get()
    assert counter.attempts == 1
    assert counter.window_ends > timezone.now()


@pytest.mark.django_db
def test_a_new_window_sweeps_the_ended_ones_of_other_keys() -> None:
    throttle.reserve(LIMIT, "old")
    AttemptCounter.objects.update(window_ends=timezone.now() - timedelta(seconds=1))
    throttle.reserve(LIMIT, "new")
    assert AttemptCounter.objects.count() == 1


@pytest.mark.django_db
def test_forget_starts_a_key_afresh() -> None:
    for _ in range(4):
        throttle.reserve(LIMIT, "a")
    throttle.forget(LIMIT, "a")
    assert throttle.reserve(LIMIT, "a")


@pytest.mark.django_db
def test_reserve_fails_closed_when_the_database_cannot_count() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {AttemptCounter._meta.db_table}")  # rolled back after the test
    with pytest.raises(throttle.CounterUnavailable):
        throttle.reserve(LIMIT, "a")
    # The failed statement did not spoil the surrounding transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
