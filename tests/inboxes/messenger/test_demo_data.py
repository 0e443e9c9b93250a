"""The demo's Facebook page: official, one customer inside 24 hours, one in HUMAN_AGENT's."""

import pytest

from kefu.conversations.models import Conversation
from kefu.conversations.reply_window import Mode, reply_window
from kefu.demo import loader
from kefu.inboxes.messenger.demo_data import CUSTOMERS
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_page_shows_the_standard_window_and_the_human_agent_period() -> None:
    loader.load()
    conversations = {
        c.contact.name: c
        for c in Conversation.objects.filter(channel=Channel.MESSENGER).select_related("contact")
    }
    assert set(conversations) == {name for _, name, *_ in CUSTOMERS}
    assert reply_window(conversations["Maria Santos"]).mode == Mode.FREE
    tagged = reply_window(conversations["Nguyen Van An"])
    assert tagged.mode == Mode.TAG
    assert tagged.tag == "HUMAN_AGENT"
    assert FacebookPage.objects.get().name == "Kefu Exchange"
    assert verify("kefuexchange", kind="facebook").verdict == Verdict.OFFICIAL
