"""An app process whose Redis dies: it degrades, never answers 500, and recovers.

The app runs as in production with KEFU_REDIS_URL (cache and channel layer), against a
Redis of the test's own that the test kills and starts again. Search and sign-in keep
answering with their limits intact; chat sockets may drop and work again once Redis is back.
"""

import asyncio
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets

from kefu.console.sign_in import PASSWORD_ATTEMPTS
from kefu.core import children
from tests.redis_server import RedisServer, redis_server
from tests.test_scale import embedded_environment, free_port, run_setup, start_app

pytestmark = pytest.mark.multiprocess

SETUP = """
import json
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.contrib.sessions.backends.db import SessionStore
from kefu.agents.models import Agent, Role
from kefu.helpcenter import actions
from kefu.inboxes.models import Inbox
actions.import_bundle()
agents = [
    Agent.objects.create_user(username=name, password="the right password 1", role=Role.L1,
                              display_name=name)
    for name in ("li.na", "wang.fang")
]
devices = [TOTPDevice.objects.create(user=agent, name="t", confirmed=True) for agent in agents]
session = SessionStore()
session["_auth_user_id"] = str(agents[0].pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = agents[0].get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = devices[0].persistent_id
session.create()
inbox = Inbox.objects.create(name="Chat", channel="webchat")
print(json.dumps({"session": session.session_key, "inbox": inbox.pk}))
"""

CSRF = "c" * 32
RIGHT = "the right password 1"


@dataclass(frozen=True)
class App:
    url: str
    redis: RedisServer
    setup: dict[str, Any]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    directory = tmp_path_factory.mktemp("outage")
    with redis_server(directory) as redis:
        env = {**embedded_environment(directory), "KEFU_REDIS_URL": redis.url}
        setup = run_setup(env, SETUP)
        port = free_port()
        process = start_app(env, port, directory / "app.log")
        try:
            yield App(f"http://127.0.0.1:{port}", redis, setup)
        finally:
            children.stop(process)


@pytest.fixture
def outage(app: App) -> Iterator[App]:
    """Redis is down for the test, and up again afterwards for the next one."""
    app.redis.stop()
    try:
        yield app
    finally:
        if app.redis.process is None:
            app.redis.start()


def client(app: App) -> httpx.Client:
    return httpx.Client(
        base_url=app.url, cookies={"csrftoken": CSRF}, headers={"Accept-Language": "en"}
    )


def sign_in(web: httpx.Client, username: str, password: str) -> httpx.Response:
    return web.post(
        "/console/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": CSRF},
    )


def test_help_search_answers_without_redis(outage: App) -> None:
    with client(outage) as web:
        for _ in range(3):
            response = web.get("/api/v1/help/search", params={"q": "提币没到账"})
            assert response.status_code == 200, response.text[:300]
            assert response.json()["results"][0]["slug"] == "withdrawal-delayed"


def test_console_sign_in_works_without_redis_and_its_lock_out_still_holds(outage: App) -> None:
    with client(outage) as web:
        assert sign_in(web, "wang.fang", RIGHT).headers["Location"] == "/console/login/verify/"
    with client(outage) as web:
        for _ in range(PASSWORD_ATTEMPTS.attempts):
            assert sign_in(web, "li.na", "wrong").status_code == 400
        locked = sign_in(web, "li.na", RIGHT)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text


def test_portal_sign_in_codes_are_sent_and_limited_without_redis(outage: App) -> None:
    with client(outage) as web:
        answers = [
            web.post(
                "/portal/sign-in/",
                data={"email": "zhang.wei@example.com", "csrfmiddlewaretoken": CSRF},
            ).status_code
            for _ in range(6)
        ]
    assert answers == [302] * 5 + [429]


async def receive(socket: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=15))
        if frame["type"] == kind:
            return frame


async def reconnect(url: str, session: str, ack: dict[str, Any]) -> Any:
    """Connect and resume as the widget does: again, after a pause, until it works."""
    hello = {
        "type": "hello",
        "session": session,
        "conversation": ack["conversation_id"],
        "after": ack["seq"],
    }
    for attempt in range(10):
        socket = await websockets.connect(url)
        try:
            await socket.send(json.dumps(hello))
            await receive(socket, "resumed")
            return socket
        except websockets.ConnectionClosed:
            await socket.close()
            await asyncio.sleep(0.2 * 2**attempt)
    raise AssertionError("the chat did not resume")


async def chat_through_a_redis_restart(app: App) -> dict[str, Any]:
    chat_url = app.url.replace("http", "ws") + f"/ws/chat/?inbox={app.setup['inbox']}"
    first = await websockets.connect(chat_url)
    await first.send(json.dumps({"type": "hello"}))
    welcome = await receive(first, "welcome")
    await first.send(json.dumps({"type": "message", "client_id": "c1", "text": "在吗"}))
    ack = await receive(first, "ack")
    # The socket may drop while Redis is away; the widget then reconnects, as here.
    app.redis.stop()
    app.redis.start()
    with contextlib.suppress(websockets.ConnectionClosed):
        await first.close()
    async with await reconnect(chat_url, welcome["session"], ack) as customer:
        async with httpx.AsyncClient(
            base_url=app.url, cookies={"sessionid": app.setup["session"], "csrftoken": CSRF}
        ) as console:
            reference = f"K-{ack['conversation_id']:06d}"
            response = await console.post(
                f"/console/c/{reference}/reply/",
                data={"text": "您好，在的。"},
                headers={"X-CSRFToken": CSRF},
            )
            assert response.status_code in (200, 302), response.text[:300]
        # Pushed live through the restarted Redis channel layer.
        pushed = await receive(customer, "message")
        while pushed["author"] != "agent":
            pushed = await receive(customer, "message")
    return pushed


def test_a_chat_resumes_and_gets_live_replies_once_redis_is_back(app: App) -> None:
    pushed = asyncio.run(chat_through_a_redis_restart(app))
    assert pushed["text"] == "您好，在的。"
