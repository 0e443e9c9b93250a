from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from kefu.inboxes.messenger import actions
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel, Inbox
from tests.inboxes.messenger import wire
from tests.inboxes.messenger.graph_server import (
    APP_SECRET,
    PAGE_ID,
    PAGE_TOKEN,
    VERIFY_TOKEN,
    GraphServer,
    serve,
)
from tests.platform_server import PlatformServer
from tests.platform_server import serve as serve_platform

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make_page() -> FacebookPage:
    inbox = Inbox.objects.create(name="Messenger", channel=Channel.MESSENGER)
    return actions.save_page(
        inbox=inbox,
        page_id=PAGE_ID,
        name="Kefu Exchange",
        username="kefuexchange",
        app_secret=APP_SECRET,
        page_access_token=PAGE_TOKEN,
        verify_token=VERIFY_TOKEN,
    )


@pytest.fixture
def page(db: None) -> FacebookPage:
    return make_page()


@pytest.fixture
def graph_server(settings: Any) -> Iterator[GraphServer]:
    for server in serve():
        settings.KEFU_FACEBOOK_GRAPH_URL = server.url
        yield server


@pytest.fixture
def cdn() -> Iterator[PlatformServer]:
    """Meta's CDN, where the files customers send wait (signed URLs, no token asked)."""
    yield from serve_platform(PlatformServer())


def post(client: Client, page: FacebookPage, body: bytes, signature: str | None) -> "Response":
    headers = {} if signature is None else {wire.SIGNATURE_HEADER: signature}
    return client.post(
        f"/messenger/{page.inbox_id}/webhook/",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def messenger_post(client: Client) -> Callable[..., "Response"]:
    """POST `payload` to the page's webhook as Meta does: signed with the app secret."""

    def send(page: FacebookPage, payload: dict[str, Any], secret: str = APP_SECRET) -> "Response":
        body = wire.encode(payload)
        return post(client, page, body, wire.signature(body, secret))

    return send
