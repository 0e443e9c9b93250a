"""The demo's Telegram bot: its handle is official, and a customer's question waits in it."""

import pytest

from kefu.conversations.models import Conversation
from kefu.demo import loader
from kefu.inboxes.models import Channel
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_bot_is_official_and_has_a_customer() -> None:
    loader.load()
    conversation = Conversation.objects.get(channel=Channel.TELEGRAM)
    assert conversation.contact.name == "Alex Morgan"
    assert conversation.language == "en"
    assert verify("@kefu_support").verdict == Verdict.OFFICIAL
