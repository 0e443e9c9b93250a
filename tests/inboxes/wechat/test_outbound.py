"""Replies through WeChat's customer-service API, its errors, and the 48-hour rule."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import actions
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.conversations.reply_window import ReplyWindowClosed
from kefu.core.languages import in_language
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.inboxes.wechat.outbound import split_text
from kefu.safety.exposure import SAFETY_LINE
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.test_tasks import PNG
from tests.inboxes.wechat.wechat_server import WeChatServer
from tests.processes import free_port

SEND = "/cgi-bin/message/custom/send"
Post = Callable[..., Any]


@pytest.fixture
def conversation(
    account: WeChatAccount,
    wechat_server: WeChatServer,
    wechat_post: Post,
    run_tasks: Callable[[], None],
) -> Conversation:
    wechat_post(account, wire.text("提现一直没到账", "501"))
    run_tasks()
    return Conversation.objects.get()


def reply(conversation: Conversation, agent: Agent, text: str, **kw: Any) -> Message:
    return actions.send_reply(conversation=conversation, agent=agent, text=text, **kw)


def sent(server: WeChatServer) -> list[dict[str, Any]]:
    return [r.json() for r in server.requests_to(SEND)]  # type: ignore[misc]


def test_the_first_reply_carries_the_safety_line_and_later_ones_do_not(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
) -> None:
    reply(conversation, agent, "您好，我们正在查询")
    reply(conversation, agent, "已经到账了")
    run_tasks()
    first, second = sent(wechat_server)
    assert first["touser"] == wire.OPENID
    assert first["msgtype"] == "text"
    line = in_language(conversation.language, lambda: str(SAFETY_LINE))
    assert first["text"]["content"] == f"您好，我们正在查询\n\n{line}"
    assert second["text"]["content"] == "已经到账了"
    assert set(
        Message.objects.filter(kind=MessageKind.OUTBOUND).values_list("delivery_status", flat=True)
    ) == {DeliveryStatus.SENT}


def test_a_long_reply_is_split_at_2048_bytes_on_character_boundaries() -> None:
    parts = split_text("提" * 1000)
    assert [len(p.encode()) for p in parts] == [2046, 954]
    assert "".join(parts) == "提" * 1000
    assert split_text("a" * 2048) == ["a" * 2048]


def test_an_image_is_uploaded_then_sent(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
) -> None:
    screenshot = InboundAttachment("proof.png", "image/png", PNG)
    reply(conversation, agent, "请看截图", files=[screenshot])
    run_tasks()
    (upload,) = wechat_server.requests_to("/cgi-bin/media/upload")
    assert upload.query["type"] == ["image"]
    assert b"proof.png" in upload.body
    image, text = sent(wechat_server)
    assert image == {"touser": wire.OPENID, "msgtype": "image", "image": {"media_id": "UPLOADED_1"}}
    assert text["msgtype"] == "text"


@pytest.mark.parametrize(("code", "rule"), [(45015, "48"), (45047, "20")])
def test_wechats_window_refusals_fail_the_message_with_a_reason(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
    code: int,
    rule: str,
) -> None:
    wechat_server.replies[SEND] = []
    wechat_server.reply(SEND, 200, {"errcode": code, "errmsg": "refused"})
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert rule in message.delivery_error  # the reason names the rule (48 hours, 20 replies)


def test_an_unfollowed_customer_is_marked_unreachable(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
) -> None:
    wechat_server.replies[SEND] = []
    wechat_server.reply(SEND, 200, {"errcode": 43004, "errmsg": "require subscribe"})
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    identity = ContactIdentity.objects.get(kind=IdentityKind.WECHAT)
    assert identity.unreachable_since is not None


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, {"errcode": -1, "errmsg": "system error"}),
        (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
        (502, {"error": "bad gateway"}),
    ],
)
def test_a_busy_wechat_means_try_again(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
    status: int,
    body: dict[str, object],
) -> None:
    wechat_server.replies[SEND] = []
    wechat_server.reply(SEND, status, body)
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.RETRYING


def _heard_hours_ago(conversation: Conversation, hours: int) -> None:
    Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_a_reply_47_hours_after_the_customer_wrote_goes(
    conversation: Conversation,
    agent: Agent,
    wechat_server: WeChatServer,
    run_tasks: Callable[[], None],
) -> None:
    _heard_hours_ago(conversation, 47)
    reply(conversation, agent, "hello")
    run_tasks()
    assert len(sent(wechat_server)) == 1


def test_a_reply_49_hours_after_is_refused_with_a_reason(
    conversation: Conversation, agent: Agent, wechat_server: WeChatServer
) -> None:
    _heard_hours_ago(conversation, 49)
    with pytest.raises(ReplyWindowClosed) as closed:
        reply(conversation, agent, "hello")
    assert closed.value.message
    assert sent(wechat_server) == []


def test_the_21st_reply_in_a_window_is_refused(
    conversation: Conversation, agent: Agent, wechat_server: WeChatServer
) -> None:
    for n in range(20):
        reply(conversation, agent, f"reply {n}")
    with pytest.raises(ReplyWindowClosed):
        reply(conversation, agent, "one too many")


def test_an_unreachable_wechat_means_try_again(
    conversation: Conversation,
    agent: Agent,
    run_tasks: Callable[[], None],
    settings: Any,
) -> None:
    settings.KEFU_WECHAT_API_URL = f"http://127.0.0.1:{free_port()}"
    cache.clear()  # the token too must be fetched from the unreachable address
    message = reply(conversation, agent, "hello")
    run_tasks()
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.RETRYING
    assert "unreachable" in message.delivery_error
