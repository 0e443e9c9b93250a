from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.weibo import actions
from kefu.inboxes.weibo.models import WeiboAccount
from tests.inboxes.weibo import wire
from tests.inboxes.weibo.weibo_server import WeiboServer, serve

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make_account() -> WeiboAccount:
    inbox = Inbox.objects.create(name="Weibo", channel=Channel.WEIBO)
    return actions.save_account(
        inbox=inbox,
        uid=wire.ACCOUNT_UID,
        screen_name="Kefu交易所",
        app_key=wire.APP_KEY,
        app_secret=wire.APP_SECRET,
        access_token=wire.ACCESS_TOKEN,
    )


@pytest.fixture
def account(db: None) -> WeiboAccount:
    return make_account()


@pytest.fixture
def weibo_server(settings: Any) -> Iterator[WeiboServer]:
    for server in serve():
        settings.KEFU_WEIBO_API_URL = server.url
        yield server


def post(client: Client, account: WeiboAccount, request: wire.Request) -> "Response":
    url = f"/weibo/{account.inbox_id}/?{urlencode(request.query)}"
    return client.post(url, request.body, content_type="application/json")


@pytest.fixture
def weibo_post(client: Client) -> Callable[..., "Response"]:
    """POST `body` to the account's push URL as Weibo does (signed with the App Secret)."""

    def send(account: WeiboAccount, body: bytes, **signing: str) -> "Response":
        return post(client, account, wire.signed(body, **signing))

    return send
