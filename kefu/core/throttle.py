"""Counting attempts per key (an address, an IP) in a time window, in the shared cache."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int


def _cache_key(limit: Limit, key: str) -> str:
    # Hashed: the cache (Redis in production) should not hold a list of email addresses.
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"throttle:{limit.scope}:{digest}"


def hit(limit: Limit, key: str) -> bool:
    """Count one attempt for `key`; False once the limit for the window is used up.

    A fixed window from the first attempt: simple, and the same on every cache backend,
    because add() + incr() are atomic on Redis and within one locmem process.
    """
    cache_key = _cache_key(limit, key)
    cache.add(cache_key, 0, timeout=limit.window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=limit.window_seconds)
        count = 1
    return count <= limit.attempts


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is the client's to invent. Behind a proxy named
    # in KEFU_TRUSTED_PROXIES, `kefu serve` (uvicorn) sets REMOTE_ADDR from its header.
    return str(request.META.get("REMOTE_ADDR", ""))
