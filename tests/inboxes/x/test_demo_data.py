"""The demo's X account: official, with one customer DM."""

import pytest

from kefu.conversations.models import Conversation
from kefu.demo import loader
from kefu.inboxes.models import Channel
from kefu.inboxes.x.models import XAccount
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db


def test_the_demo_has_kefuexchange_with_one_dm() -> None:
    loader.load()
    account = XAccount.objects.get()
    assert account.username == "kefuexchange"
    [conversation] = Conversation.objects.filter(channel=Channel.X)
    assert conversation.contact.name == "Sam Rivera"
    assert verify("@kefuexchange", kind="x").verdict == Verdict.OFFICIAL
