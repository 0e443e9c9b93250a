"""The Redis cache falls back to memory while Redis is down, and goes back once it answers."""

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache

from kefu.core import fallback_cache, throttle
from tests.redis_server import RedisServer, redis_server

LIMIT = throttle.Limit("outage-test", attempts=3, window_seconds=60)


@pytest.fixture
def server(tmp_path: Path, settings: Any) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as started:
        settings.CACHES = {
            "default": {
                "BACKEND": "kefu.core.fallback_cache.RedisCacheWithLocalFallback",
                "LOCATION": started.url,
                "KEY_PREFIX": "kefu",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            }
        }
        yield started


def in_redis(server: RedisServer) -> list[str]:
    return sorted(key.decode() for key in redis.Redis.from_url(server.url).scan_iter())


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == fallback_cache.__name__]


def test_the_cache_lives_in_redis_while_it_answers(server: RedisServer) -> None:
    cache.set("greeting", "你好", 60)
    assert cache.get("greeting") == "你好"
    assert in_redis(server) == ["kefu:1:greeting"]


def test_during_an_outage_the_cache_answers_from_memory_and_says_so_once(
    server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.stop()
    with caplog.at_level(logging.WARNING, logger=fallback_cache.__name__):
        assert cache.add("wait", 1, 60)
        assert cache.incr("wait") == 2
        assert cache.get("wait") == 2
        # Each request thread gets its own cache object; they share the memory and the news.
        seen: list[Any] = []
        worker = threading.Thread(target=lambda: seen.append(cache.get("wait")))
        worker.start()
        worker.join()
        cache.set_many({"a": 1, "b": 2}, 60)
        assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
        cache.delete("a")
        assert not cache.has_key("a")
    assert seen == [2]
    [warning] = outage_warnings(caplog)
    assert "unreachable" in warning


def test_public_rate_limits_hold_per_process_during_an_outage(server: RedisServer) -> None:
    server.stop()
    assert [throttle.hit(LIMIT, "10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert throttle.hit(LIMIT, "10.0.0.2")


def test_the_cache_goes_back_to_redis_once_it_answers_again(
    server: RedisServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pause before retrying Redis, so the test need not wait for it.
    monkeypatch.setattr(fallback_cache, "RETRY_SECONDS", 0.0)
    server.stop()
    with caplog.at_level(logging.WARNING, logger=fallback_cache.__name__):
        cache.set("during", 1, 60)
        server.start()
        cache.set("after", 2, 60)
    assert in_redis(server) == ["kefu:1:after"]
    assert cache.get("after") == 2
    assert [m.split(" (")[0] for m in outage_warnings(caplog)] == [
        f"Redis cache at {server.url} is unreachable",
        f"Redis cache at {server.url} answers again",
    ]
