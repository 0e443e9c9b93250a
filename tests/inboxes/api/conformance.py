"""The API channel's conformance driver: the REST endpoints with a bearer token.

A delivery without a file opens a conversation (POST /api/v1/conversations); one with a
file goes to the multipart endpoint of the sender's conversation, which the driver opens
first if the sender has none. The integration's webhook is a local server.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.api.actions import create_token
from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation
from tests.platform_server import PlatformServer, serve


@dataclass
class ApiDriver:
    inbox: Inbox
    key: str
    channel: str = Channel.API

    def _client(self, forged: bool) -> Client:
        key = "kefu_" + "0" * 40 if forged else self.key
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        client = self._client(forged)
        if delivery.file is None:
            return client.post(
                "/api/v1/conversations",
                {
                    "contact": {"platform_user_id": delivery.sender},
                    "text": delivery.text,
                    "external_id": delivery.delivery_id,
                },
                content_type="application/json",
            ).status_code
        status, reference = self._reference(client, delivery.sender)
        if reference is None:
            return status
        upload = SimpleUploadedFile(
            delivery.file.name, delivery.file.content, delivery.file.content_type
        )
        return client.post(
            f"/api/v1/conversations/{reference}/messages/multipart",
            {"text": delivery.text, "external_id": delivery.delivery_id, "files": [upload]},
        ).status_code

    def _reference(self, client: Client, sender: str) -> tuple[int, str | None]:
        """The sender's conversation, opened with a first message if they have none."""
        response = client.post(
            "/api/v1/conversations",
            {
                "contact": {"platform_user_id": sender},
                "text": "你好",
                "external_id": f"opening-{sender}",
            },
            content_type="application/json",
        )
        if response.status_code >= 300:
            return response.status_code, None
        reference: str = response.json()["reference"]
        return response.status_code, reference

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.PLATFORM_USER, sender)

    @contextmanager
    def fail_outbound(self) -> Iterator[None]:
        """The integration's webhook answers 503."""
        with contextmanager(serve)(PlatformServer()) as webhook:
            webhook.reply("/", 503, {"error": "maintenance"})
            self.inbox.config = {"webhook_url": f"{webhook.url}/kefu", "webhook_secret": "s"}
            self.inbox.save(update_fields=["config"])
            yield

    def close_window(self, conversation: Conversation) -> None:
        pytest.skip("an API conversation takes replies at any time")


def driver(request: pytest.FixtureRequest) -> ApiDriver:
    agent_factory: Callable[..., Agent] = request.getfixturevalue("agent_factory")
    inbox = Inbox.objects.create(name="Exchange app", channel=Channel.API)
    _, key = create_token(
        actor=agent_factory(role=Role.ADMIN), name="app", inbox=inbox, acts_as=agent_factory()
    )
    return ApiDriver(inbox, key)
