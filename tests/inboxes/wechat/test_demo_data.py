"""The demo's WeChat account: official, one customer inside the 48-hour window, one past it."""

import pytest

from kefu.conversations.models import Conversation
from kefu.conversations.reply_window import Mode, reply_window
from kefu.demo import loader
from kefu.inboxes.models import Channel
from kefu.inboxes.wechat.demo_data import CUSTOMERS
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_account_shows_an_open_and_a_closed_window() -> None:
    loader.load()
    conversations = {
        c.contact.name: c
        for c in Conversation.objects.filter(channel=Channel.WECHAT).select_related("contact")
    }
    assert set(conversations) == {name for _, name, *_ in CUSTOMERS}
    open_window = reply_window(conversations["王芳"])
    assert open_window.mode == Mode.FREE
    assert open_window.remaining == 20
    closed = reply_window(conversations["陈杰"])
    assert closed.mode == Mode.CLOSED
    assert [alternative.via for alternative in closed.alternatives] == ["email", "portal"]
    assert verify("kefu_support", kind="wechat").verdict == Verdict.OFFICIAL
