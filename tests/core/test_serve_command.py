"""`kefu serve` believes forwarded headers only from KEFU_TRUSTED_PROXIES.

A real `kefu serve` process, reached over loopback like a same-host reverse proxy would
reach it. The per-address limit of the chat's off-hours form (5 an hour) must hold
however the client fills X-Forwarded-For, unless the operator named loopback as a proxy;
then the header is the client address, and X-Forwarded-Proto the scheme.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest

from kefu.inboxes.webchat.views import OFFLINE_LIMIT

pytestmark = pytest.mark.multiprocess

KEFU = [sys.executable, "-m", "kefu.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "KEFU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL", "KEFU_TRUSTED_PROXIES", "KEFU_HTTPS"):
        env.pop(name, None)
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    return env


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`kefu serve` on a free port, in its own process group, stopped with everything it
    started whatever happens."""
    port = free_port()
    process = subprocess.Popen(
        [*KEFU, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/chat/demo/", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None, "kefu serve exited"
                assert time.monotonic() < deadline, "kefu serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
        with suppress(ProcessLookupError):  # whatever did not stop with it
            os.killpg(process.pid, signal.SIGKILL)


def chat_inbox(url: str) -> str:
    # The demo page creates the first chat inbox and names it in the widget's tag.
    match = re.search(r'data-inbox="(\d+)"', httpx.get(url + "/chat/demo/").text)
    assert match is not None
    return match.group(1)


def offline_form(url: str, inbox: str) -> Callable[[str], int]:
    """Send the off-hours form as if from `address`; the status code says if it counted."""

    def send(address: str) -> int:
        # No email: the form is refused (400) after the limit counted it, or 429 once the
        # limit is used up. Nothing is stored either way.
        response = httpx.post(
            url + "/chat/offline/", json={"inbox": inbox}, headers={"X-Forwarded-For": address}
        )
        return response.status_code

    return send


def demo_scheme(url: str, forwarded_proto: str) -> str:
    page = httpx.get(url + "/chat/demo/", headers={"X-Forwarded-Proto": forwarded_proto}).text
    match = re.search(r"&lt;script src=\"(https?)://", page)
    assert match is not None
    return match.group(1)


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(
    environment: dict[str, str],
) -> None:
    with serving(environment) as url:
        send = offline_form(url, chat_inbox(url))
        statuses = [send(f"203.0.113.{n}") for n in range(OFFLINE_LIMIT.attempts + 3)]
        scheme = demo_scheme(url, "https")
    assert statuses == [400] * OFFLINE_LIMIT.attempts + [429] * 3
    assert scheme == "http"


def test_a_trusted_proxys_forwarded_headers_name_the_client_and_scheme(
    environment: dict[str, str],
) -> None:
    with serving({**environment, "KEFU_TRUSTED_PROXIES": "127.0.0.1"}) as url:
        send = offline_form(url, chat_inbox(url))
        others = [send(f"203.0.113.{n}") for n in range(OFFLINE_LIMIT.attempts + 3)]
        one_client = [send("198.51.100.7") for _ in range(OFFLINE_LIMIT.attempts + 1)]
        scheme = demo_scheme(url, "https")
    assert others == [400] * (OFFLINE_LIMIT.attempts + 3)  # each address has its own count
    assert one_client == [400] * OFFLINE_LIMIT.attempts + [429]
    assert scheme == "https"


def test_https_behind_a_trusted_proxy_gets_hsts_and_plain_http_is_redirected(
    environment: dict[str, str],
) -> None:
    env = {**environment, "KEFU_HTTPS": "1", "KEFU_TRUSTED_PROXIES": "127.0.0.1"}
    with serving(env) as url:
        secure = httpx.get(url + "/help/", headers={"X-Forwarded-Proto": "https"})
        plain = httpx.get(url + "/help/", headers={"X-Forwarded-Proto": "http"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert plain.status_code == 301
    assert plain.headers["Location"] == url.replace("http://", "https://") + "/help/"
