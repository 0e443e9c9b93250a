"""Counting attempts per key (an address, an IP, a username) in a fixed time window.

Two counters, for two kinds of limit:

* `hit` counts in the cache (Redis at scale). It guards anonymous public endpoints
  (search, look-ups), where a request is cheap and the count need not be exact: when
  Redis is down the cache falls back to each process's memory (`core.fallback_cache`), so
  the limit holds per process instead of failing the request.
* `reserve` counts in the database, in one atomic statement. It guards what must never
  become unlimited (passwords, one-time codes, mails sent at a visitor's request): the
  attempt is counted *before* it is checked, so concurrent requests cannot all slip in
  under the limit, and every app process sees the same count. If the count cannot be
  stored, `CounterUnavailable` is raised and the caller refuses: these limits fail closed.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from kefu.core.models import AttemptCounter


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int


class CounterUnavailable(Exception):
    """The database could not count an attempt; the attempt must be refused."""


def _digest(limit: Limit, key: str) -> str:
    # Hashed: neither the cache nor the database should hold a list of addresses or usernames.
    return f"{limit.scope}:{hashlib.sha256(key.encode()).hexdigest()}"


def hit(limit: Limit, key: str) -> bool:
    """Count one attempt for `key` in the cache; False once the limit for the window is used up.

    A fixed window from the first attempt: simple, and the same on every cache backend,
    because add() + incr() are atomic on Redis and within one locmem process.
    """
    cache_key = f"throttle:{_digest(limit, key)}"
    cache.add(cache_key, 0, timeout=limit.window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=limit.window_seconds)
        count = 1
    return count <= limit.attempts


def _count(key: str, window_seconds: int) -> int:
    """Add one to `key`'s count (a new window if the old one ended); the new count.

    INSERT … ON CONFLICT DO UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35): one statement,
    so two processes incrementing at once get two different counts.
    """
    now = timezone.now()
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    table = quote(AttemptCounter._meta.db_table)
    key_column, attempts, ends = quote("key"), quote("attempts"), quote("window_ends")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {attempts}, {ends}) VALUES (%s, 1, %s)"
            f" ON CONFLICT ({key_column}) DO UPDATE SET"
            f" {attempts} = CASE WHEN {table}.{ends} > %s THEN {table}.{attempts} + 1 ELSE 1 END,"
            f" {ends} = CASE WHEN {table}.{ends} > %s THEN {table}.{ends} ELSE excluded.{ends} END"
            f" RETURNING {attempts}",
            [key, adapt(now + timedelta(seconds=window_seconds)), adapt(now), adapt(now)],
        )
        row = cursor.fetchone()
    assert row is not None, "an upsert always returns its row"
    count = int(row[0])
    if count == 1:
        # A window just began: a good moment to drop the ended ones, so keys used once
        # (a mistyped username, a sprayed address) do not pile up.
        AttemptCounter.objects.filter(window_ends__lte=now).delete()
    return count


def reserve(limit: Limit, key: str) -> bool:
    """Count one attempt for `key` before it is made; False once the window's limit is used up.

    Call it outside a transaction that may roll back (a rolled-back count is no count).
    Raises CounterUnavailable when the database cannot store the count.
    """
    try:
        with transaction.atomic():
            return _count(_digest(limit, key), limit.window_seconds) <= limit.attempts
    except DatabaseError as error:
        raise CounterUnavailable(str(error)) from error


def forget(limit: Limit, key: str) -> None:
    """Start `key` afresh (after a successful sign-in, say)."""
    AttemptCounter.objects.filter(key=_digest(limit, key)).delete()


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is the client's to invent. Behind a proxy named
    # in KEFU_TRUSTED_PROXIES, `kefu serve` (uvicorn) sets REMOTE_ADDR from its header.
    return str(request.META.get("REMOTE_ADDR", ""))
