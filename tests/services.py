"""Real services the tests use: skip with a reason on a bare laptop, fail on CI.

CI sets KEFU_REQUIRE_SERVICES=1 so that a missing service is an error there, never a
silent skip that lets untested code land.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_URL = os.environ.get("KEFU_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KEFU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
DOVECOT = os.environ.get("KEFU_DOVECOT", "/usr/sbin/dovecot")
REDIS_SERVER = os.environ.get("KEFU_REDIS_SERVER", "redis-server")


def services_required() -> bool:
    return os.environ.get("KEFU_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (KEFU_REQUIRE_SERVICES=1, so this is a failure, not a skip)")
    pytest.skip(reason)


def reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 1):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    if not reachable(POSTGRES_URL):
        unavailable(f"PostgreSQL is not reachable at {urlparse(POSTGRES_URL).netloc}")
    return POSTGRES_URL


def require_redis() -> str:
    if not reachable(REDIS_URL):
        unavailable(f"Redis is not reachable at {urlparse(REDIS_URL).netloc}")
    return REDIS_URL


def require_redis_server() -> str:
    """The redis-server program, for tests that start (and stop) a Redis of their own."""
    binary = shutil.which(REDIS_SERVER)
    if binary is None:
        unavailable(f"{REDIS_SERVER} not found (Debian: apt-get install redis-server)")
    return str(binary)


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        unavailable(f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)")
    return CHROMIUM


def require_dovecot() -> str:
    if not os.path.exists(DOVECOT):
        unavailable(
            f"Dovecot not found at {DOVECOT} (Debian: apt-get install dovecot-imapd dovecot-lmtpd)"
        )
    return DOVECOT
