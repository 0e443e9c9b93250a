"""The X account admin: keys write-only, the webhook URL shown, the keys checked at X."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.x.models import XAccount
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.conftest import verified_client
from tests.inboxes.x import wire
from tests.inboxes.x.x_server import XServer

pytestmark = pytest.mark.django_db

URL = "/admin/x_dm/xaccount/"
SECRETS = (wire.CONSUMER_KEY, wire.CONSUMER_SECRET, wire.ACCESS_TOKEN, wire.ACCESS_TOKEN_SECRET)


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


@pytest.fixture
def x_inbox() -> Inbox:
    return Inbox.objects.create(name="X", channel=Channel.X)


def _form(inbox: Inbox, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inbox": inbox.pk,
        "user_id": wire.USER_ID,
        "username": wire.USERNAME,
        "display_name": "Kefu Exchange",
        "consumer_key": wire.CONSUMER_KEY,
        "consumer_secret": wire.CONSUMER_SECRET,
        "access_token": wire.ACCESS_TOKEN,
        "access_token_secret": wire.ACCESS_TOKEN_SECRET,
        "api_access": "on",
        "webhook_id": "",
    }
    return data | changes


def test_an_account_is_saved_official_its_keys_never_shown_and_checked(
    admin_client: Client, x_inbox: Inbox, x_server: XServer
) -> None:
    added = admin_client.post(URL + "add/", _form(x_inbox))
    assert added.status_code == 302, added.content.decode()[:3000]
    account = XAccount.objects.get()
    official = OfficialChannel.objects.filter(kind=OfficialKind.X)
    assert official.count() == 1
    page = admin_client.get(f"{URL}{account.pk}/change/").content.decode()
    for secret in SECRETS:
        assert secret not in page
    assert f"/x/{x_inbox.pk}/webhook/" in page
    assert "X accepts the keys of @kefuexchange." in page
    kept = admin_client.post(
        f"{URL}{account.pk}/change/",
        _form(x_inbox, consumer_key="", consumer_secret="", access_token="",
              access_token_secret=""),
    )  # fmt: skip
    assert kept.status_code == 302
    account.refresh_from_db()
    assert (
        account.consumer_key, account.consumer_secret, account.access_token,
        account.access_token_secret,
    ) == SECRETS  # fmt: skip


def test_refused_keys_are_shown_on_the_page(
    admin_client: Client, x_inbox: Inbox, x_server: XServer
) -> None:
    admin_client.post(URL + "add/", _form(x_inbox, access_token_secret="wrong"))
    account = XAccount.objects.get()
    page = admin_client.get(f"{URL}{account.pk}/change/").content.decode()
    assert "X refused the keys" in page


def test_turning_api_access_off_switches_the_inbox_off(
    admin_client: Client, x_inbox: Inbox
) -> None:
    data = _form(x_inbox)
    del data["api_access"]  # an unticked box is not sent
    assert admin_client.post(URL + "add/", data).status_code == 302
    x_inbox.refresh_from_db()
    assert not x_inbox.is_active


def test_a_new_account_needs_its_keys_and_an_x_inbox(admin_client: Client, x_inbox: Inbox) -> None:
    response = admin_client.post(URL + "add/", _form(x_inbox, consumer_secret=""))
    assert response.status_code == 200
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    assert admin_client.post(URL + "add/", _form(mail)).status_code == 200
    assert not XAccount.objects.exists()
