"""A chat across two app processes sharing PostgreSQL and Redis, as in production.

The customer's WebSocket is held by process 1; the agent answers through the console of
process 2. Only the Redis channel layer can carry the reply across, and the resume path
must find it from either process.
"""

import asyncio
import json
import secrets
from typing import Any

import httpx
import pytest
import websockets

from tests.test_scale import run_setup, shared_environment, two_apps

pytestmark = pytest.mark.multiprocess

__all__ = ["shared_environment"]  # the fixture, re-exported for this module

SETUP = """
import json
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.contrib.sessions.backends.db import SessionStore
from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Inbox
agent = Agent.objects.create_user(username="li.na", password="x-123456", role=Role.L1,
                                  display_name="李娜")
device = TOTPDevice.objects.create(user=agent, name="t", confirmed=True)
session = SessionStore()
session["_auth_user_id"] = str(agent.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = agent.get_session_auth_hash()
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.create()
inbox = Inbox.objects.create(name="Chat", channel="webchat")
print(json.dumps({"session": session.session_key, "inbox": inbox.pk, "public_id": agent.public_id}))
"""


async def receive(socket: Any, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=15))
        if frame["type"] == kind:
            return frame


async def chat_across(port_1: int, port_2: int, setup: dict[str, Any]) -> list[dict[str, Any]]:
    url_1 = f"ws://127.0.0.1:{port_1}/ws/chat/?inbox={setup['inbox']}"
    async with websockets.connect(url_1) as customer:
        await customer.send(json.dumps({"type": "hello"}))
        welcome = await receive(customer, "welcome")
        await customer.send(
            json.dumps({"type": "message", "client_id": "c1", "text": "提现没到账，请帮忙查一下"})
        )
        ack = await receive(customer, "ack")
        await receive(customer, "resumed")

        csrf = secrets.token_hex(16)
        reference = f"K-{ack['conversation_id']:06d}"
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port_2}",
            cookies={"sessionid": setup["session"], "csrftoken": csrf},
        ) as console:
            response = await console.post(
                f"/console/c/{reference}/reply/",
                data={"text": "您好，我是李娜，正在查询。"},
                headers={"X-CSRFToken": csrf, "Referer": f"http://127.0.0.1:{port_2}/"},
            )
            assert response.status_code in (200, 302), response.text[:500]
        pushed = await receive(customer, "message")
        while pushed["author"] != "agent":
            pushed = await receive(customer, "message")

    # The customer comes back on the *other* process and asks for what came after 1.
    url_2 = f"ws://127.0.0.1:{port_2}/ws/chat/?inbox={setup['inbox']}"
    async with websockets.connect(url_2) as again:
        await again.send(
            json.dumps(
                {
                    "type": "hello",
                    "session": welcome["session"],
                    "conversation": ack["conversation_id"],
                    "after": 1,
                }
            )
        )
        resumed = await receive(again, "message")
    return [pushed, resumed]


def test_a_reply_through_one_process_reaches_a_chat_on_the_other(
    shared_environment: dict[str, str],
) -> None:
    setup = run_setup(shared_environment, SETUP)
    with two_apps(shared_environment) as (port_1, port_2):
        pushed, resumed = asyncio.run(chat_across(port_1, port_2, setup))
    assert pushed["text"] == "您好，我是李娜，正在查询。"
    assert pushed["agent"]["public_id"] == setup["public_id"]
    assert pushed["seq"] == 2
    assert (resumed["seq"], resumed["text"]) == (2, pushed["text"])
