"""The web chat's conformance driver: the chat WebSocket and the upload view, through the
real ASGI application.

Each sender is a visitor with a session token of its own, so a sender's deliveries land
in one chat. An anonymous visitor is welcome on the socket (a session token that does
not verify just starts a new chat), so a forged delivery goes where a credential is
checked: the upload view, under a session token signed with a key that is not ours.
"""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from kefu.asgi import application
from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat.identity import issue_session
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation
from tests.inboxes.webchat.conftest import PAGE, hello

# The socket's consumer reads the database from its own threads.
TRANSACTIONAL = True

# A close code 44xx is the socket's HTTP status 4xx.
_CLOSE_TO_STATUS = 4000


def _visitor(sender: str) -> str:
    return f"visitor-{sender}"


@dataclass
class WebchatDriver:
    inbox: Inbox
    channel: str = Channel.WEBCHAT

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        status: int = async_to_sync(self._deliver)(delivery, forged)
        return status

    async def _deliver(self, delivery: Delivery, forged: bool) -> int:
        session = issue_session(self.inbox.pk, _visitor(delivery.sender))
        uploads = []
        if delivery.file is not None or forged:
            if forged:
                # Signed with a key that is not the server's.
                session = signing.dumps(
                    {"i": self.inbox.pk, "v": _visitor(delivery.sender)}, key="not-our-key"
                )
            status, upload = await self._upload(delivery, session)
            if upload is None:
                return status
            uploads.append(upload)
        chat = WebsocketCommunicator(
            application,
            f"/ws/chat/?inbox={self.inbox.pk}",
            headers=[(b"origin", PAGE.encode()), (b"host", b"127.0.0.1:8000")],
        )
        connected, code = await chat.connect()
        if not connected:
            return int(code) - _CLOSE_TO_STATUS
        try:
            await hello(chat, session=session)
            await chat.send_json_to(
                {
                    "type": "message",
                    "client_id": delivery.delivery_id,
                    "text": delivery.text,
                    "uploads": uploads,
                }
            )
            answer = await _answer(chat)
        finally:
            await chat.disconnect()
        return 200 if answer["type"] == "ack" else 400

    async def _upload(self, delivery: Delivery, session: str) -> tuple[int, int | None]:
        file = delivery.file
        name, content = (file.name, file.content) if file else ("note.txt", b"hello")
        response = await AsyncClient(HTTP_ORIGIN=PAGE).post(
            "/chat/upload/",
            {"inbox": self.inbox.pk, "session": session, "file": SimpleUploadedFile(name, content)},
        )
        if response.status_code != 201:
            return response.status_code, None
        upload_id: int = response.json()["id"]
        return response.status_code, upload_id

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.WEBCHAT, _visitor(sender))

    def fail_outbound(self) -> AbstractContextManager[None]:
        pytest.skip(
            "a live chat's reply is pushed on the socket and fetched again on resume; "
            "no provider stands between them to refuse it"
        )

    def close_window(self, conversation: Conversation) -> None:
        pytest.skip("a live chat takes replies at any time")


async def _answer(chat: WebsocketCommunicator) -> dict[str, Any]:
    """The socket's answer to a message frame: its ack, or an error frame."""
    while True:
        frame: dict[str, Any] = await chat.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "error"):
            return frame


def driver(request: pytest.FixtureRequest) -> WebchatDriver:
    inbox = Inbox.objects.create(
        name="Live chat", channel=Channel.WEBCHAT, config={"allowed_origins": [PAGE]}
    )
    return WebchatDriver(inbox)
