"""The WeChat account admin: secrets write-only, the server URL shown, official entries."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.conftest import verified_client
from tests.inboxes.wechat import wire

pytestmark = pytest.mark.django_db

URL = "/admin/wechat/wechataccount/"


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


@pytest.fixture
def wechat_inbox() -> Inbox:
    return Inbox.objects.create(name="WeChat", channel=Channel.WECHAT)


def _form(inbox: Inbox, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inbox": inbox.pk,
        "app_id": wire.APP_ID,
        "app_secret": wire.APP_SECRET,
        "token": wire.TOKEN,
        "encoding_aes_key": wire.AES_KEY,
        "original_id": wire.ORIGINAL_ID,
        "display_name": "Kefu Exchange Support",
        "wechat_id": "kefu_support",
    }
    return data | changes


def test_an_account_is_saved_listed_as_official_and_its_secrets_never_shown(
    admin_client: Client, wechat_inbox: Inbox
) -> None:
    added = admin_client.post(URL + "add/", _form(wechat_inbox))
    assert added.status_code == 302, added.content.decode()[:3000]
    account = WeChatAccount.objects.get()
    assert account.safe_mode
    official = OfficialChannel.objects.filter(kind=OfficialKind.WECHAT)
    assert list(official.values_list("value", flat=True)) == [account.wechat_id.lower()]
    page = admin_client.get(f"{URL}{account.pk}/change/").content.decode()
    for secret in (wire.APP_SECRET, wire.TOKEN, wire.AES_KEY):
        assert secret not in page
    assert f"/wechat/{wechat_inbox.pk}/" in page
    kept = admin_client.post(
        f"{URL}{account.pk}/change/",
        _form(wechat_inbox, app_secret="", token="", encoding_aes_key=""),
    )
    assert kept.status_code == 302
    account.refresh_from_db()
    assert (account.app_secret, account.token, account.encoding_aes_key) == (
        wire.APP_SECRET,
        wire.TOKEN,
        wire.AES_KEY,
    )


def test_an_aes_key_of_the_wrong_length_is_refused(
    admin_client: Client, wechat_inbox: Inbox
) -> None:
    response = admin_client.post(URL + "add/", _form(wechat_inbox, encoding_aes_key="short"))
    assert response.status_code == 200
    assert "43 characters" in response.content.decode()
    assert not WeChatAccount.objects.exists()


def test_a_new_account_needs_its_secret_and_token(
    admin_client: Client, wechat_inbox: Inbox
) -> None:
    response = admin_client.post(URL + "add/", _form(wechat_inbox, app_secret="", token=""))
    assert response.status_code == 200
    assert not WeChatAccount.objects.exists()


def test_only_a_wechat_inbox_can_be_chosen(admin_client: Client) -> None:
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    response = admin_client.post(URL + "add/", _form(mail))
    assert response.status_code == 200
    assert not WeChatAccount.objects.exists()
