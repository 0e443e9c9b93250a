"""Weibo's push URL: URL verification, the signature and its freshness, the pushes it
stores, and the bad input it refuses without storing anything."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.test import Client

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation, InboundReceipt, Message
from kefu.inboxes.weibo import platform
from kefu.inboxes.weibo.models import WeiboAccount
from kefu.inboxes.weibo.receiver import MAX_BODY_BYTES
from tests.inboxes.weibo import wire

Post = Callable[..., Any]


def stored(uid: str = wire.FAN_UID) -> list[Message]:
    return list(
        Message.objects.filter(
            author_contact__identities__kind=IdentityKind.WEIBO,
            author_contact__identities__value=uid,
        ).order_by("pk")
    )


def nothing_stored() -> bool:
    return not Message.objects.exists() and not InboundReceipt.objects.exists()


def test_the_signature_matches_weibos_documented_example() -> None:
    # open.weibo.com/wiki/Messages_api_start: secret xyz123xyz, timestamp, nonce.
    expected = "90e4c22c90a58f26526c2dd5b6c56c8822edeaa1"
    assert platform.signature("xyz123xyz", "1397022061823", "57155157") == expected
    assert wire.signature("xyz123xyz", "1397022061823", "57155157") == expected


def test_url_verification_repeats_echostr(client: Client, account: WeiboAccount) -> None:
    query = wire.query() | {"echostr": "dnPdpTZz85"}
    response = client.get(f"/weibo/{account.inbox_id}/?{urlencode(query)}")
    assert response.status_code == 200
    assert response.content == b"dnPdpTZz85"


def test_url_verification_with_a_forged_signature_is_refused(
    client: Client, account: WeiboAccount
) -> None:
    query = wire.query(secret="not-the-secret") | {"echostr": "42"}
    response = client.get(f"/weibo/{account.inbox_id}/?{urlencode(query)}")
    assert response.status_code == 403
    assert b"42" not in response.content


def test_a_text_is_stored_and_answered_with_an_empty_body(
    account: WeiboAccount, weibo_post: Post
) -> None:
    response = weibo_post(account, wire.text("提现一直没到账"))
    assert response.status_code == 200
    assert response.content == b""
    (message,) = stored()
    assert message.text == "提现一直没到账"
    assert message.conversation.inbox_id == account.inbox_id
    assert message.external_id.startswith(f"{wire.FAN_UID}:{wire.CREATED_AT}:")


def test_weibos_retry_of_the_same_push_is_stored_once(
    account: WeiboAccount, weibo_post: Post
) -> None:
    body = wire.text("充值没到账")
    assert weibo_post(account, body).status_code == 200
    assert weibo_post(account, body).status_code == 200
    assert len(stored()) == 1


def test_two_messages_in_the_same_second_are_both_stored_in_one_conversation(
    account: WeiboAccount, weibo_post: Post
) -> None:
    weibo_post(account, wire.text("你好"))
    weibo_post(account, wire.text("我的提现卡住了"))
    assert [m.text for m in stored()] == ["你好", "我的提现卡住了"]
    assert Conversation.objects.count() == 1


def test_a_location_keeps_its_text_and_coordinates(account: WeiboAccount, weibo_post: Post) -> None:
    data = {"longitude": "116.308586", "latitude": "39.982525"}
    weibo_post(account, wire.push("position", "我在这里: http://t.cn/zQgLLYO", data))
    (message,) = stored()
    assert "http://t.cn/zQgLLYO" in message.text
    assert "39.982525, 116.308586" in message.text


def test_a_picture_and_a_voice_message_are_noted(account: WeiboAccount, weibo_post: Post) -> None:
    weibo_post(account, wire.push("image", "发了一张图片", {"vfid": 1, "tovfid": 2}))
    weibo_post(account, wire.push("voice", "发了一个语音消息", {"vfid": 3, "tovfid": 4}))
    picture, voice = stored()
    # In the site's language (zh-Hans), which agents and the fan read.
    assert "图片" in picture.text
    assert "语音" in voice.text


def test_an_unfollow_makes_the_fan_unreachable(account: WeiboAccount, weibo_post: Post) -> None:
    weibo_post(account, wire.text("你好"))
    response = weibo_post(account, wire.push("event", "", {"subtype": "unfollow"}))
    assert response.status_code == 200
    identity = ContactIdentity.objects.get(kind=IdentityKind.WEIBO, value=wire.FAN_UID)
    assert identity.unreachable_since is not None
    assert len(stored()) == 1


def test_other_events_and_unknown_types_are_acknowledged_and_ignored(
    account: WeiboAccount, weibo_post: Post
) -> None:
    assert weibo_post(account, wire.push("event", "", {"subtype": "follow"})).status_code == 200
    assert weibo_post(account, wire.push("mention", "@Kefu交易所")).status_code == 200
    assert nothing_stored()


def test_a_forged_signature_is_refused(account: WeiboAccount, weibo_post: Post) -> None:
    response = weibo_post(account, wire.text("please reset my 2FA"), secret="forged")
    assert response.status_code == 403
    assert nothing_stored()


def test_a_missing_signature_is_refused(client: Client, account: WeiboAccount) -> None:
    query = wire.query()
    del query["signature"]
    url = f"/weibo/{account.inbox_id}/?{urlencode(query)}"
    response = client.post(url, wire.text("hi"), content_type="application/json")
    assert response.status_code == 403
    assert nothing_stored()


def test_a_replayed_old_request_is_refused(account: WeiboAccount, weibo_post: Post) -> None:
    # Correctly signed, but an hour old: someone replaying a captured push.
    old = str(int((time.time() - 3600) * 1000))
    response = weibo_post(account, wire.text("hi"), timestamp=old)
    assert response.status_code == 403
    assert nothing_stored()


def test_malformed_json_is_a_400(account: WeiboAccount, weibo_post: Post) -> None:
    for body in (b"{not json", b"[1, 2]", wire.text("x").replace(b'"sender_id": ', b'"x": ')):
        assert weibo_post(account, body).status_code == 400
    bad_date = wire.push("text", "hi", created_at="yesterday")
    assert weibo_post(account, bad_date).status_code == 400
    assert nothing_stored()


def test_an_oversize_body_is_a_413(account: WeiboAccount, weibo_post: Post) -> None:
    body = wire.text("长" * MAX_BODY_BYTES)
    assert weibo_post(account, body).status_code == 413
    assert nothing_stored()


def test_a_push_for_another_account_is_refused(account: WeiboAccount, weibo_post: Post) -> None:
    response = weibo_post(account, wire.push("text", "hi", receiver="1902538057"))
    assert response.status_code == 403
    assert nothing_stored()


def test_an_unknown_or_inactive_inbox_is_a_404(
    client: Client, account: WeiboAccount, weibo_post: Post
) -> None:
    request = wire.signed(wire.text("hi"))
    url = f"/weibo/{account.inbox_id + 100}/?{urlencode(request.query)}"
    assert client.post(url, request.body, content_type="application/json").status_code == 404
    account.inbox.is_active = False
    account.inbox.save()
    assert weibo_post(account, wire.text("hi")).status_code == 404
    assert nothing_stored()
