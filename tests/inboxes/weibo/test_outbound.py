"""Replies through Weibo's reply API (its request shape, its errors) and the 48-hour rule."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.conversations import actions
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.conversations.reply_window import Mode, ReplyWindowClosed, reply_window
from kefu.core.languages import in_language
from kefu.inboxes.weibo.models import WeiboAccount
from kefu.inboxes.weibo.outbound import TEXT_LIMIT, split_text
from kefu.safety.exposure import SAFETY_LINE
from tests.inboxes.weibo import wire
from tests.inboxes.weibo.weibo_server import REPLY, WeiboServer, error
from tests.platform_server import Reply

Post = Callable[..., Any]


@pytest.fixture
def conversation(
    account: WeiboAccount, weibo_server: WeiboServer, weibo_post: Post
) -> Conversation:
    weibo_post(account, wire.text("提现一直没到账"))
    return Conversation.objects.get()


def reply(conversation: Conversation, agent: Agent, text: str) -> Message:
    return actions.send_reply(conversation=conversation, agent=agent, text=text)


def sent(server: WeiboServer) -> list[dict[str, list[str]]]:
    return [r.form for r in server.requests_to(REPLY)]


def answer(server: WeiboServer, status: int, body: dict[str, object]) -> None:
    server.replies[REPLY] = [Reply(status, json.dumps(body).encode())]


def test_a_reply_is_a_form_post_with_the_token_receiver_and_text_as_json(
    conversation: Conversation,
    agent: Agent,
    weibo_server: WeiboServer,
    run_tasks: Callable[[], None],
) -> None:
    reply(conversation, agent, "您好，我们正在查询")
    reply(conversation, agent, "已经到账了")
    run_tasks()
    first, second = sent(weibo_server)
    assert first["access_token"] == [wire.ACCESS_TOKEN]
    assert first["receiver_id"] == [wire.FAN_UID]
    assert first["type"] == ["text"]
    assert first["save_sender_box"] == ["1"]
    line = in_language(conversation.language, lambda: str(SAFETY_LINE))
    assert json.loads(first["data"][0]) == {"text": f"您好，我们正在查询\n\n{line}"}
    assert json.loads(second["data"][0]) == {"text": "已经到账了"}
    (request,) = {r.headers["content-type"] for r in weibo_server.requests_to(REPLY)}
    assert request.startswith("application/x-www-form-urlencoded")
    statuses = Message.objects.filter(kind=MessageKind.OUTBOUND).values_list(
        "delivery_status", flat=True
    )
    assert set(statuses) == {DeliveryStatus.SENT}


def test_a_long_reply_is_split_under_300_characters() -> None:
    parts = split_text("提" * 700)
    assert [len(p) for p in parts] == [TEXT_LIMIT, TEXT_LIMIT, 700 - 2 * TEXT_LIMIT]
    assert TEXT_LIMIT < 300


@pytest.mark.parametrize(("status", "code"), [(500, 10001), (403, 10023), (502, None)])
def test_weibo_busy_or_down_is_retried(
    conversation: Conversation,
    agent: Agent,
    weibo_server: WeiboServer,
    run_tasks: Callable[[], None],
    status: int,
    code: int | None,
) -> None:
    if code is None:
        weibo_server.replies[REPLY] = [Reply(status, b"<html>Bad Gateway</html>", "text/html")]
    else:
        answer(weibo_server, status, {"error": "busy", "error_code": code, "request": REPLY})
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.RETRYING


def test_a_revoked_token_fails_the_message_with_what_to_do(
    conversation: Conversation,
    agent: Agent,
    weibo_server: WeiboServer,
    run_tasks: Callable[[], None],
) -> None:
    weibo_server.access_token = "rotated-on-weibo"
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "access token" in message.delivery_error


def test_another_refusal_fails_the_message_with_weibos_reason(
    conversation: Conversation,
    agent: Agent,
    weibo_server: WeiboServer,
    run_tasks: Callable[[], None],
) -> None:
    weibo_server.replies[REPLY] = [error(20016, "out of limit", 400)]
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "20016" in message.delivery_error


def test_the_48_hour_rule_has_no_count_and_closes_after_48_hours(
    conversation: Conversation, agent: Agent
) -> None:
    window = reply_window(conversation)
    assert window.mode == Mode.FREE
    assert window.remaining is None
    Message.objects.filter(kind=MessageKind.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=49)
    )
    closed = reply_window(conversation)
    assert closed.mode == Mode.CLOSED
    assert "48" in str(closed.reason)
    with pytest.raises(ReplyWindowClosed):
        reply(conversation, agent, "hello")


def test_a_fan_who_unfollowed_cannot_be_answered_until_they_write_again(
    account: WeiboAccount, conversation: Conversation, agent: Agent, weibo_post: Post
) -> None:
    weibo_post(account, wire.push("event", "", {"subtype": "unfollow"}))
    with pytest.raises(ReplyWindowClosed) as refused:
        reply(conversation, agent, "hello")
    assert "取消关注" in refused.value.message  # "unfollowed", in the agent's zh-Hans
    weibo_post(account, wire.text("我又关注了", created_at="Tue Jul 17 09:00:00 +0800 2012"))
    assert reply_window(conversation).mode == Mode.FREE
