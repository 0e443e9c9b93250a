"""A live-chat inbox and a customer socket on it, through the real ASGI application."""

import time
from typing import Any

import jwt
import pytest
from channels.testing import WebsocketCommunicator

from kefu.asgi import application
from kefu.inboxes.models import Channel, Inbox

SECRET = "host-site-shared-secret-0123456789"
PAGE = "https://www.exchange.example"


@pytest.fixture
def chat_inbox(db: None) -> Inbox:
    return Inbox.objects.create(
        name="Live chat",
        channel=Channel.WEBCHAT,
        config={"allowed_origins": [PAGE], "identity_secret": SECRET},
    )


def identity_token(
    user_id: str, *, secret: str = SECRET, lifetime: int = 600, **claims: Any
) -> str:
    now = int(time.time())
    payload = {"sub": user_id, "iat": now, "exp": now + lifetime, **claims}
    return jwt.encode(payload, secret, algorithm="HS256")


async def open_chat(
    inbox: Inbox, origin: str = PAGE, client: str = "198.51.100.7"
) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        f"/ws/chat/?inbox={inbox.pk}",
        headers=[(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")],
    )
    # The customer's network address, as the ASGI server reports it.
    communicator.scope["client"] = [client, 50000]
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def hello(communicator: WebsocketCommunicator, **fields: Any) -> dict[str, Any]:
    await communicator.send_json_to({"type": "hello", **fields})
    welcome = await communicator.receive_json_from()
    assert welcome["type"] == "welcome", welcome
    return welcome


async def frames_until(communicator: WebsocketCommunicator, kind: str) -> list[dict[str, Any]]:
    """Every frame up to and including the first of type `kind`."""
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == kind:
            return frames
