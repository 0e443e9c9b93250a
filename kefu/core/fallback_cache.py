"""Django's Redis cache, falling back to the process's memory while Redis does not answer.

Everything Kefu keeps in the cache can be lost or recomputed: cached look-ups (a
customer's platform context, the wait-time median) and the counters of the public rate
limits (`throttle.hit`). A Redis outage should cost precision, not requests: during one,
each process caches and counts in its own memory, so public limits hold per process
instead of answering 500. The limits that must never loosen are not kept here
(`throttle.reserve` counts in the database).

Django's RedisCache has no option to ignore errors, and django-redis's
DJANGO_REDIS_IGNORE_EXCEPTIONS answers every call with "nothing there", which would turn
each rate limit into no limit at all: hence this small subclass.
"""

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# After a failure, calls go straight to memory for this long before Redis is tried again:
# a request should not wait for a connection attempt per cache call during an outage.
RETRY_SECONDS = 5.0

_REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


class _Outage:
    """Whether Redis at one address is considered down, shared by the process's threads.

    Django makes a cache object per thread (per request under ASGI), so this cannot live
    on the cache object: every request would try Redis again and log the outage again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._down = False

    def should_try(self) -> bool:
        return time.monotonic() >= self._retry_at

    def failed(self, location: str, error: Exception) -> None:
        with self._lock:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            first = not self._down
            self._down = True
        if first:
            logger.warning(
                "Redis cache at %s is unreachable (%s); using each process's memory until it"
                " answers again",
                location,
                error,
            )

    def succeeded(self, location: str) -> None:
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("Redis cache at %s answers again", location)


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class RedisCacheWithLocalFallback(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server
        self._outage = _outage_for(server)
        # LocMemCache instances with one name share one store: every thread of the
        # process falls back to the same memory.
        self._local = LocMemCache(f"kefu-fallback:{server}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self._outage.should_try():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except _REDIS_DOWN as error:
                self._outage.failed(self._location, error)
            else:
                self._outage.succeeded(self._location)
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._call("delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._call("has_key", key, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        return self._call("incr", key, delta, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> Any:
        return self._call("delete_many", keys, version)

    def clear(self) -> Any:
        self._local.clear()
        return self._call("clear")
