"""The demo's Weibo account: official by its uid, one fan inside the 48-hour window."""

import pytest
from django.test import Client

from kefu.conversations.models import Conversation
from kefu.conversations.reply_window import Mode, reply_window
from kefu.demo import loader
from kefu.inboxes.models import Channel
from kefu.inboxes.weibo.demo_data import ACCOUNT_UID
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_fan_can_be_answered_and_the_account_verifies() -> None:
    loader.load()
    (conversation,) = Conversation.objects.filter(channel=Channel.WEIBO)
    assert reply_window(conversation).mode == Mode.FREE
    assert verify(f"https://weibo.com/u/{ACCOUNT_UID}").verdict == Verdict.OFFICIAL
    assert verify(f"https://m.weibo.cn/u/{ACCOUNT_UID}").verdict == Verdict.OFFICIAL


def test_the_verify_page_answers_the_demo_accounts_profile_link(client: Client) -> None:
    loader.load()
    response = client.get("/portal/verify/", {"q": f"https://weibo.com/u/{ACCOUNT_UID}"})
    assert response.status_code == 200
    assert "官方微博 · Weibo" in response.content.decode()
