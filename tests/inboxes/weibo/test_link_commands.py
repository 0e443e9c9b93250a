"""A link command in a Weibo private message: answered at once through the reply API with
the code, nothing stored; the code typed on the portal files the fan's uid under the
portal customer."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from kefu.contacts.actions import confirm_link, start_link
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Message
from kefu.inboxes.weibo.models import WeiboAccount
from tests.inboxes.weibo import wire
from tests.inboxes.weibo.weibo_server import REPLY, WeiboServer

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b(\d{6})\b")
Post = Callable[..., Any]


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="zh-Hans")


def _answer(weibo_server: WeiboServer) -> str:
    (request,) = weibo_server.requests_to(REPLY)
    assert request.form["receiver_id"] == [wire.FAN_UID]
    return request.form["data"][0]


def test_a_link_command_gets_the_code_and_links(
    account: WeiboAccount, weibo_server: WeiboServer, weibo_post: Post, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.WEIBO).token
    assert weibo_post(account, wire.text(f"绑定 {token}")).status_code == 200
    code = CODE.search(_answer(weibo_server))
    assert code is not None
    assert not Message.objects.exists()
    confirm_link(alice, code[1])
    fan = ContactIdentity.objects.get(kind=IdentityKind.WEIBO, value=wire.FAN_UID)
    assert fan.contact_id == alice.pk


def test_an_unknown_token_is_refused_without_a_code_and_nothing_stored(
    account: WeiboAccount, weibo_server: WeiboServer, weibo_post: Post
) -> None:
    assert weibo_post(account, wire.text("绑定 K7P2QX9M")).status_code == 200
    assert CODE.search(_answer(weibo_server)) is None
    assert not Message.objects.exists()
