from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat import actions
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.wechat_server import WeChatServer, serve

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def make_account(aes_key: str = "") -> WeChatAccount:
    inbox = Inbox.objects.create(name="WeChat", channel=Channel.WECHAT)
    return actions.save_account(
        inbox=inbox,
        app_id=wire.APP_ID,
        app_secret=wire.APP_SECRET,
        token=wire.TOKEN,
        original_id=wire.ORIGINAL_ID,
        display_name="Kefu Exchange Support",
        wechat_id="kefu_support",
        encoding_aes_key=aes_key,
    )


@pytest.fixture
def account(db: None) -> WeChatAccount:
    return make_account()


@pytest.fixture
def safe_account(db: None) -> WeChatAccount:
    return make_account(aes_key=wire.AES_KEY)


@pytest.fixture
def wechat_server(settings: Any) -> Iterator[WeChatServer]:
    cache.clear()  # no access token left over from another test's server
    for server in serve():
        settings.KEFU_WECHAT_API_URL = server.url
        yield server
    cache.clear()


def post(client: Client, account: WeChatAccount, request: wire.Request) -> "Response":
    url = f"/wechat/{account.inbox_id}/?{urlencode(request.query)}"
    return client.post(url, request.body, content_type="text/xml")


@pytest.fixture
def wechat_post(client: Client) -> Callable[..., "Response"]:
    """POST `xml` to the account's webhook as WeChat does (signed; encrypted in safe mode)."""

    def send(account: WeChatAccount, xml: str, **signing: Any) -> "Response":
        signing.setdefault("aes_key", account.encoding_aes_key)
        return post(client, account, wire.signed(xml, **signing))

    return send
