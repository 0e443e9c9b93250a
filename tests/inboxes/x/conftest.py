from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.x import actions
from kefu.inboxes.x.models import XAccount
from tests.inboxes.x import wire
from tests.inboxes.x.x_server import XServer, serve

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make_account(**changes: Any) -> XAccount:
    inbox = Inbox.objects.create(name="X @kefuexchange", channel=Channel.X)
    fields: dict[str, Any] = {
        "user_id": wire.USER_ID,
        "username": wire.USERNAME,
        "display_name": "Kefu Exchange",
        "consumer_key": wire.CONSUMER_KEY,
        "consumer_secret": wire.CONSUMER_SECRET,
        "access_token": wire.ACCESS_TOKEN,
        "access_token_secret": wire.ACCESS_TOKEN_SECRET,
    }
    return actions.save_account(inbox=inbox, **{**fields, **changes})


@pytest.fixture
def account(db: None) -> XAccount:
    return make_account()


@pytest.fixture
def x_server(settings: Any) -> Iterator[XServer]:
    for server in serve():
        settings.KEFU_X_API_URL = server.url
        yield server


def post(client: Client, account: XAccount, body: bytes, signature: str | None = "") -> "Response":
    """POST `body` to the webhook signed as X does; `signature` None sends none, a
    non-empty one is sent as it is."""
    headers = {}
    if signature is not None:
        headers["x-twitter-webhooks-signature"] = signature or wire.sign(body)
    return client.post(
        f"/x/{account.inbox_id}/webhook/", body, content_type="application/json", headers=headers
    )
