"""The Weibo account admin: secrets write-only, the push URL shown, the uid official."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.weibo.models import WeiboAccount
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.conftest import verified_client
from tests.inboxes.weibo import wire

pytestmark = pytest.mark.django_db

URL = "/admin/weibo/weiboaccount/"


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


@pytest.fixture
def weibo_inbox() -> Inbox:
    return Inbox.objects.create(name="Weibo", channel=Channel.WEIBO)


def _form(inbox: Inbox, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inbox": inbox.pk,
        "uid": wire.ACCOUNT_UID,
        "screen_name": "Kefu交易所",
        "app_key": wire.APP_KEY,
        "app_secret": wire.APP_SECRET,
        "access_token": wire.ACCESS_TOKEN,
    }
    return data | changes


def test_an_account_is_saved_listed_as_official_and_its_secrets_never_shown(
    admin_client: Client, weibo_inbox: Inbox
) -> None:
    added = admin_client.post(URL + "add/", _form(weibo_inbox))
    assert added.status_code == 302, added.content.decode()[:3000]
    account = WeiboAccount.objects.get()
    official = OfficialChannel.objects.filter(kind=OfficialKind.WEIBO)
    assert list(official.values_list("value", "label")) == [(wire.ACCOUNT_UID, "Kefu交易所")]
    page = admin_client.get(f"{URL}{account.pk}/change/").content.decode()
    for secret in (wire.APP_SECRET, wire.ACCESS_TOKEN):
        assert secret not in page
    assert f"/weibo/{weibo_inbox.pk}/" in page
    kept = admin_client.post(
        f"{URL}{account.pk}/change/", _form(weibo_inbox, app_secret="", access_token="")
    )
    assert kept.status_code == 302
    account.refresh_from_db()
    assert (account.app_secret, account.access_token) == (wire.APP_SECRET, wire.ACCESS_TOKEN)


def test_a_new_account_needs_its_secret_and_token(admin_client: Client, weibo_inbox: Inbox) -> None:
    response = admin_client.post(URL + "add/", _form(weibo_inbox, app_secret="", access_token=""))
    assert response.status_code == 200
    assert not WeiboAccount.objects.exists()


def test_a_uid_is_a_number(admin_client: Client, weibo_inbox: Inbox) -> None:
    response = admin_client.post(URL + "add/", _form(weibo_inbox, uid="kefuexchange"))
    assert response.status_code == 200
    assert "weibo.com/u/" in response.content.decode()
    assert not WeiboAccount.objects.exists()


def test_only_a_weibo_inbox_can_be_chosen(admin_client: Client) -> None:
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    response = admin_client.post(URL + "add/", _form(mail))
    assert response.status_code == 200
    assert not WeiboAccount.objects.exists()
