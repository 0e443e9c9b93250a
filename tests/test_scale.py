"""Two app processes sharing PostgreSQL and Redis, as in production.

An API call handled by one process must reach a WebSocket client connected to the
other: that is what the Redis channel layer is for, and nothing in-process can fake it.
"""

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import websockets

from kefu.core import children
from tests.services import require_postgres, require_redis

pytestmark = pytest.mark.multiprocess

SETUP = """
import json
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.contrib.sessions.backends.db import SessionStore
from kefu.agents.models import Agent, Role
from kefu.api.actions import create_token
from kefu.inboxes.models import Inbox
admin = Agent.objects.create_user(username="admin", password="x-123456", role=Role.ADMIN,
                                  display_name="Admin", is_staff=True)
device = TOTPDevice.objects.create(user=admin, name="t", confirmed=True)
session = SessionStore()
session["_auth_user_id"] = str(admin.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = admin.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
inbox = Inbox.objects.create(name="API", channel="api")
_, key = create_token(actor=admin, name="bench", inbox=inbox, acts_as=admin)
print(json.dumps({"session": session.session_key, "token": key}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def shared_environment(tmp_path: Path) -> Iterator[dict[str, str]]:
    postgres, redis = require_postgres(), require_redis()
    name = f"kefu_scale_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "KEFU_DATABASE_URL": postgres.rsplit("/", 1)[0] + "/" + name,
        "KEFU_REDIS_URL": redis,
        "KEFU_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
    }
    try:
        subprocess.run([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], env=env, check=True)
        yield env
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def embedded_environment(directory: Path) -> dict[str, str]:
    """The `make run` set-up, migrated: SQLite under `directory`, no Redis."""
    env = {**os.environ, "KEFU_VAR_DIR": str(directory), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], env=env, check=True)
    return env


def start_app(env: dict[str, str], port: int, log: Path | None = None) -> subprocess.Popen[bytes]:
    """One uvicorn process in its own process group (stop it with children.stop); its log
    in `log`."""
    with open(log or os.devnull, "ab") as output:
        process = children.start(
            [sys.executable, "-m", "uvicorn", "kefu.asgi:application", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=output,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    children.stop(process)
    raise AssertionError(f"app process on {port} did not start (log: {log})")


def run_setup(env: dict[str, str], script: str) -> dict[str, Any]:
    """Run a `kefu shell` script against the shared database; its last line is JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def two_apps(env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """Two app processes on free ports, stopped afterwards whatever happens."""
    ports = free_port(), free_port()
    apps: list[subprocess.Popen[bytes]] = []
    try:
        apps.extend(start_app(env, port) for port in ports)
        yield ports
    finally:
        children.stop(*apps)


def test_an_event_from_one_process_reaches_a_socket_on_the_other(
    shared_environment: dict[str, str],
) -> None:
    credentials = run_setup(shared_environment, SETUP)
    with two_apps(shared_environment) as (port_a, port_b):
        event = asyncio.run(listen_on_b_while_a_creates(port_a, port_b, credentials))
    assert event["kind"] == "message_added"
    assert event["message_kind"] == "inbound"


async def listen_on_b_while_a_creates(
    port_a: int, port_b: int, credentials: dict[str, str]
) -> dict[str, object]:
    async with websockets.connect(
        f"ws://127.0.0.1:{port_b}/ws/console/",
        additional_headers={"Cookie": f"sessionid={credentials['session']}"},
        origin=f"http://127.0.0.1:{port_b}",  # type: ignore[arg-type]
    ) as socket_b:
        async with httpx.AsyncClient() as client:
            response = await client.post(
                f"http://127.0.0.1:{port_a}/api/v1/conversations",
                headers={"Authorization": f"Bearer {credentials['token']}"},
                json={"contact": {"email": "zhang.wei@example.com"}, "text": "提现还没到账"},
            )
            assert response.status_code == 201, response.text
        while True:
            event = json.loads(await asyncio.wait_for(socket_b.recv(), timeout=10))
            if event["kind"] == "message_added":
                return event
