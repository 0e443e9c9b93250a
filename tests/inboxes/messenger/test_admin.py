"""The Facebook page admin: secrets write-only, callback URL and verify token shown, the
app subscribed, a refusal shown."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel, Inbox
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.conftest import verified_client
from tests.inboxes.messenger.graph_server import APP_SECRET, PAGE_ID, PAGE_TOKEN, GraphServer, path

pytestmark = pytest.mark.django_db

URL = "/admin/messenger/facebookpage/"


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


@pytest.fixture
def messenger_inbox() -> Inbox:
    return Inbox.objects.create(name="Messenger", channel=Channel.MESSENGER)


def _form(inbox: Inbox, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inbox": inbox.pk,
        "page_id": PAGE_ID,
        "name": "Kefu Exchange",
        "username": "kefuexchange",
        "app_secret": APP_SECRET,
        "page_access_token": PAGE_TOKEN,
    }
    return data | changes


def _subscribable(server: GraphServer) -> None:
    server.reply(path(f"{PAGE_ID}/subscribed_apps"), 200, {"success": True})
    server.reply(path(f"{PAGE_ID}/messenger_profile"), 200, {"result": "success"})


def test_a_page_is_saved_subscribed_listed_and_its_secrets_never_shown(
    admin_client: Client, messenger_inbox: Inbox, graph_server: GraphServer
) -> None:
    _subscribable(graph_server)
    added = admin_client.post(URL + "add/", _form(messenger_inbox))
    assert added.status_code == 302, added.content.decode()[:3000]
    page = FacebookPage.objects.get()
    assert graph_server.requests_to(path(f"{PAGE_ID}/subscribed_apps"))
    assert OfficialChannel.objects.filter(kind=OfficialKind.FACEBOOK).exists()
    shown = admin_client.get(f"{URL}{page.pk}/change/").content.decode()
    assert APP_SECRET not in shown
    assert PAGE_TOKEN not in shown
    assert f"/messenger/{messenger_inbox.pk}/webhook/" in shown
    assert page.verify_token in shown
    kept = admin_client.post(
        f"{URL}{page.pk}/change/", _form(messenger_inbox, app_secret="", page_access_token="")
    )
    assert kept.status_code == 302
    page.refresh_from_db()
    assert (page.app_secret, page.page_access_token) == (APP_SECRET, PAGE_TOKEN)


def test_a_refused_subscription_is_shown(
    admin_client: Client, messenger_inbox: Inbox, graph_server: GraphServer
) -> None:
    graph_server.token = "the-token-meta-knows"
    added = admin_client.post(URL + "add/", _form(messenger_inbox), follow=True)
    assert added.status_code == 200
    text = added.content.decode()
    assert "Facebook refused to send its messages to Kefu" in text
    assert "code 190" in text
    assert FacebookPage.objects.exists()


def test_a_new_page_needs_its_secrets(admin_client: Client, messenger_inbox: Inbox) -> None:
    response = admin_client.post(
        URL + "add/", _form(messenger_inbox, app_secret="", page_access_token="")
    )
    assert response.status_code == 200
    assert not FacebookPage.objects.exists()


def test_only_a_messenger_inbox_can_be_chosen(admin_client: Client) -> None:
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    response = admin_client.post(URL + "add/", _form(mail))
    assert response.status_code == 200
    assert not FacebookPage.objects.exists()
