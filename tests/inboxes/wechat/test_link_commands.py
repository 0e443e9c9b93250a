"""A link command on WeChat: answered with a passive reply at once, nothing queued or stored."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult
from wechatpy.crypto import WeChatCrypto

from kefu.contacts.actions import confirm_link, start_link
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Message
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.wechat import wire

pytestmark = pytest.mark.django_db

Post = Callable[..., Any]
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Contact:
    return contact_factory(email="alice@example.com", language="zh-Hans")


def test_a_link_command_gets_the_code_as_a_passive_reply_and_links(
    account: WeChatAccount, wechat_post: Post, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.WECHAT).token
    response = wechat_post(account, wire.text(f"绑定 {token}", "7007"))
    reply = wire.fields(response.content)
    assert reply["ToUserName"] == wire.OPENID
    assert reply["FromUserName"] == wire.ORIGINAL_ID
    assert reply["Content"].startswith("有人请求将此 微信 账号绑定到帮助中心账户 a•••@example.com")
    code = CODE.search(reply["Content"])
    assert code is not None
    assert not DBTaskResult.objects.exists()
    assert not Message.objects.exists()
    confirm_link(alice, code[1])
    identity = ContactIdentity.objects.get(kind=IdentityKind.WECHAT, value=wire.OPENID)
    assert identity.contact_id == alice.pk


def test_in_safe_mode_the_reply_is_encrypted(
    safe_account: WeChatAccount, wechat_post: Post, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.WECHAT).token
    response = wechat_post(safe_account, wire.text(f"link {token}", "7008"))
    envelope = wire.fields(response.content)
    crypto = WeChatCrypto(wire.TOKEN, wire.AES_KEY, wire.APP_ID)
    plain = crypto.decrypt_message(
        response.content, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
    )
    assert CODE.search(wire.fields(plain)["Content"]) is not None


def test_an_unknown_token_is_refused_without_a_code_and_nothing_stored(
    account: WeChatAccount, wechat_post: Post, run_tasks: Callable[[], None]
) -> None:
    response = wechat_post(account, wire.text("绑定 K7P2QX9M", "7009"))
    content = wire.fields(response.content)["Content"]
    assert "无效" in content
    assert CODE.search(content) is None
    run_tasks()
    assert not Message.objects.exists()


def test_a_forged_link_command_is_refused_before_anything(
    account: WeChatAccount, wechat_post: Post, alice: Contact
) -> None:
    token = start_link(alice, IdentityKind.WECHAT).token
    response = wechat_post(account, wire.text(f"绑定 {token}", "7010"), token="forged")
    assert response.status_code == 403
    assert token.encode() not in response.content
    assert alice.link_requests.get().code_hash == ""
