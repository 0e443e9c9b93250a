"""Saving a page: listed as official, our app subscribed to the page's events."""

import pytest

from kefu.inboxes.messenger import actions
from kefu.inboxes.messenger.graph import GraphError
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel, Inbox
from kefu.safety.models import OfficialChannel, OfficialKind
from tests.inboxes.messenger.conftest import make_page
from tests.inboxes.messenger.graph_server import PAGE_ID, GraphServer, path

pytestmark = pytest.mark.django_db


def test_a_page_is_listed_as_official_by_its_username_under_its_name() -> None:
    make_page()
    official = OfficialChannel.objects.get(kind=OfficialKind.FACEBOOK)
    assert (official.value, official.label) == ("kefuexchange", "Kefu Exchange")


def test_a_page_without_username_is_listed_by_its_id() -> None:
    inbox = Inbox.objects.create(name="FB", channel=Channel.MESSENGER)
    actions.save_page(
        inbox=inbox, page_id=PAGE_ID, name="Kefu", app_secret="s", page_access_token="t"
    )
    assert OfficialChannel.objects.get(kind=OfficialKind.FACEBOOK).value == PAGE_ID


def test_saving_again_keeps_the_verify_token_and_one_row() -> None:
    page = make_page()
    again = actions.save_page(
        inbox=page.inbox,
        page_id=PAGE_ID,
        name="Kefu Exchange 客服",
        app_secret=page.app_secret,
        page_access_token="new-token",
    )
    assert FacebookPage.objects.count() == 1
    assert again.verify_token == page.verify_token
    assert again.page_access_token == "new-token"


def test_only_a_messenger_inbox_takes_a_page() -> None:
    mail = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    with pytest.raises(ValueError, match="Messenger inbox"):
        actions.save_page(
            inbox=mail, page_id=PAGE_ID, name="x", app_secret="s", page_access_token="t"
        )


def test_subscribing_asks_for_messages_postbacks_and_the_feed(graph_server: GraphServer) -> None:
    page = make_page()
    graph_server.reply(path(f"{PAGE_ID}/subscribed_apps"), 200, {"success": True})
    graph_server.reply(path(f"{PAGE_ID}/messenger_profile"), 200, {"result": "success"})
    actions.subscribe(page)
    (subscribed,) = graph_server.requests_to(path(f"{PAGE_ID}/subscribed_apps"))
    assert subscribed.method == "POST"
    assert subscribed.form == {"subscribed_fields": ["messages,messaging_postbacks,feed"]}
    (profile,) = graph_server.requests_to(path(f"{PAGE_ID}/messenger_profile"))
    assert profile.json() == {"get_started": {"payload": "GET_STARTED"}}


def test_a_refused_subscription_raises_meta_s_error(graph_server: GraphServer) -> None:
    page = make_page()
    graph_server.token = "another-page-token"
    with pytest.raises(GraphError) as refused:
        actions.subscribe(page)
    assert refused.value.code == 190
