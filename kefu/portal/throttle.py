"""Counting sign-in code requests, so nobody can mail-bomb an address or farm codes."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window_seconds: int


# A person who mistyped their address or lost a mail needs a few tries; five in a
# quarter of an hour is plenty, and caps how often one inbox can be mailed. An address
# gets more room: mobile carriers (carrier-grade NAT) and offices put many customers
# behind one IP, and they must not lock each other out.
CODE_REQUESTS_PER_EMAIL = Limit("code-email", attempts=5, window_seconds=15 * 60)
CODE_REQUESTS_PER_IP = Limit("code-ip", attempts=20, window_seconds=15 * 60)


def _cache_key(limit: Limit, key: str) -> str:
    # Hashed: the cache (Redis in production) should not hold a list of email addresses.
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"portal:throttle:{limit.scope}:{digest}"


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
    # REMOTE_ADDR only: X-Forwarded-For is the client's to invent. Behind a proxy,
    # uvicorn's --proxy-headers sets REMOTE_ADDR from the trusted proxy's header.
    return str(request.META.get("REMOTE_ADDR", ""))
