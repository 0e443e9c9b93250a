"""The Messenger channel's conformance driver: Meta's signed JSON batches posted to the
webhook, then the job it queued run; files from a local server in Meta's CDN's place,
replies against the local Graph API server.

A file comes by URL, and Meta's URL for a document ends with the name the customer gave
it, so the customer does name the files here.
"""

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.test import Client

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel
from tests.inboxes.conformance.driver import Delivery, File
from tests.inboxes.conformance.support import heard_long_ago
from tests.inboxes.messenger import wire
from tests.inboxes.messenger.conftest import make_page, post
from tests.inboxes.messenger.graph_server import PAGE_ID, GraphServer, graph_error, path, serve
from tests.platform_server import PlatformServer, started
from tests.platform_server import serve as serve_platform

SEND = path(f"{PAGE_ID}/messages")


def _psid(sender: str) -> str:
    return str(int(hashlib.sha256(sender.encode()).hexdigest(), 16))[:16]


@dataclass
class MessengerDriver:
    page: FacebookPage
    graph: GraphServer
    cdn: PlatformServer
    run_tasks: Callable[[], None]
    channel: str = Channel.MESSENGER

    def _file(self, delivery: Delivery, file: File) -> dict[str, object]:
        digest = hashlib.sha256(delivery.delivery_id.encode()).hexdigest()[:12]
        cdn_path = f"/v/t59.2708-21/{digest}_n/{quote(file.name)}"
        self.cdn.reply(cdn_path, 200, file.content, content_type=file.content_type)
        # Sent as a document (Messenger's paperclip), which keeps the customer's name; a
        # photo from the gallery comes as "image", named by Meta (test_receiver.py).
        return wire.attachment("file", f"{self.cdn.url}{cdn_path}?_nc_cat=1&oh=signed")

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        files = [self._file(delivery, delivery.file)] if delivery.file else None
        event = wire.message(
            _psid(delivery.sender), f"m_{delivery.delivery_id}", delivery.text, attachments=files
        )
        body = wire.encode(wire.batch(wire.entry(event)))
        secret = "forged-app-secret" if forged else self.page.app_secret
        status = post(Client(), self.page, body, wire.signature(body, secret)).status_code
        self.run_tasks()
        return status

    def conversation(self, sender: str) -> Conversation:
        return Conversation.objects.filter(
            contact__identities__kind=IdentityKind.MESSENGER,
            contact__identities__value=_psid(sender),
        ).latest("pk")

    def fail_outbound(self) -> AbstractContextManager[None]:
        return self.graph.failing(SEND, 503, graph_error(2, "Service temporarily unavailable"))

    def close_window(self, conversation: Conversation) -> None:
        # Past the 24 hours and the 7 days of HUMAN_AGENT: nothing goes on Messenger.
        heard_long_ago(conversation, hours=8 * 24)


def driver(request: pytest.FixtureRequest) -> MessengerDriver:
    request.getfixturevalue("db")
    settings = request.getfixturevalue("settings")
    graph = started(request, serve())
    cdn = started(request, serve_platform(PlatformServer()))
    settings.KEFU_FACEBOOK_GRAPH_URL = graph.url
    return MessengerDriver(
        page=make_page(), graph=graph, cdn=cdn, run_tasks=request.getfixturevalue("run_tasks")
    )
