"""Replies through the Send API: RESPONSE within 24 hours, HUMAN_AGENT after it only for
what a person wrote, the text split, files uploaded, and Meta's errors."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity
from kefu.conversations import actions
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.conversations.reply_window import ReplyWindowClosed
from kefu.conversations.tasks import deliver_message
from kefu.core.languages import in_language
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.messenger.outbound import TEXT_LIMIT, attachment_type, split_text
from kefu.safety.exposure import SAFETY_LINE
from tests.inboxes.messenger import wire
from tests.inboxes.messenger.graph_server import PAGE_ID, GraphServer, graph_error, path
from tests.inboxes.messenger.test_receiver import PNG, PSID

SEND = path(f"{PAGE_ID}/messages")
Post = Callable[..., Any]


@pytest.fixture
def conversation(
    page: FacebookPage,
    graph_server: GraphServer,
    messenger_post: Post,
    run_tasks: Callable[[], None],
) -> Conversation:
    graph_server.reply(SEND, 200, {"recipient_id": PSID, "message_id": "m_sent"})
    messenger_post(page, wire.batch(wire.entry(wire.message(PSID, "m_in", "提现一直没到账"))))
    run_tasks()
    return Conversation.objects.get()


def _heard_ago(conversation: Conversation, hours: float) -> None:
    Message.objects.filter(conversation=conversation, kind=MessageKind.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def _deliver(message: Message) -> Message:
    # The reason is stored in the language the job runs in: English here, to read it.
    with translation.override("en"):
        deliver_message.call(message.pk)
    message.refresh_from_db()
    return message


def _sent(server: GraphServer) -> list[dict[str, Any]]:
    return [r.json() for r in server.requests_to(SEND)]  # type: ignore[misc]


def _reply(conversation: Conversation, agent: Agent, text: str = "我们正在核实") -> Message:
    return actions.send_reply(conversation=conversation, agent=agent, text=text)


def test_a_reply_within_24_hours_is_a_response_with_the_safety_line_first(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    first = _deliver(_reply(conversation, agent, "您好，我们正在查询"))
    second = _deliver(_reply(conversation, agent, "已经到账了"))
    assert first.delivery_status == second.delivery_status == DeliveryStatus.SENT
    one, two = _sent(graph_server)
    assert one["recipient"] == {"id": PSID}
    assert one["messaging_type"] == "RESPONSE"
    assert "tag" not in one
    assert one["message"]["text"].startswith("您好，我们正在查询")
    line = in_language(conversation.language, lambda: str(SAFETY_LINE))
    assert one["message"]["text"].endswith(line)
    assert two["message"] == {"text": "已经到账了"}
    request = graph_server.requests_to(SEND)[0]
    assert request.method == "POST"
    assert request.headers["authorization"] == f"Bearer {graph_server.token}"
    assert "access_token" not in request.query


def test_an_agent_reply_after_24_hours_goes_with_the_human_agent_tag(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    _heard_ago(conversation, 30)
    reply = _deliver(_reply(conversation, agent))
    assert reply.delivery_status == DeliveryStatus.SENT
    (sent,) = _sent(graph_server)
    assert sent["messaging_type"] == "MESSAGE_TAG"
    assert sent["tag"] == "HUMAN_AGENT"


def test_an_automatic_message_is_never_tagged(
    conversation: Conversation, graph_server: GraphServer
) -> None:
    # Queued inside the window, delivered after it: refused, not tagged.
    automatic = actions.send_automatic(conversation=conversation, text="您的工单仍在处理中")
    assert automatic is not None
    assert automatic.via == ""
    _heard_ago(conversation, 30)
    refused = _deliver(automatic)
    assert refused.delivery_status == DeliveryStatus.FAILED
    assert "HUMAN_AGENT" in refused.delivery_error
    assert _sent(graph_server) == []


def test_an_automatic_message_after_24_hours_takes_another_way(
    conversation: Conversation, graph_server: GraphServer
) -> None:
    _heard_ago(conversation, 30)
    # Messenger gives no email: nothing else reaches this customer, nothing is sent.
    assert actions.send_automatic(conversation=conversation, text="仍在处理中") is None
    assert _sent(graph_server) == []


def test_after_7_days_nothing_goes_on_messenger(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    _heard_ago(conversation, 24 * 7 + 1)
    with pytest.raises(ReplyWindowClosed):
        _reply(conversation, agent)
    assert _sent(graph_server) == []


def test_a_reply_that_waited_past_7_days_fails_at_delivery(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    reply = _reply(conversation, agent)
    _heard_ago(conversation, 24 * 8)
    assert _deliver(reply).delivery_status == DeliveryStatus.FAILED
    assert _sent(graph_server) == []


def test_long_text_is_split_at_2000_characters(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    _deliver(_reply(conversation, agent, "a" * 10))  # the safety line goes on this one
    _deliver(_reply(conversation, agent, "xq " * 1500))  # 4500 characters
    parts = [sent["message"]["text"] for sent in _sent(graph_server)[1:]]
    assert [len(part) for part in parts] == [2000, 2000, 500]
    assert split_text("line\n" * 500, TEXT_LIMIT)[0].endswith("line")


def test_a_file_is_uploaded_as_filedata(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    picture = InboundAttachment("receipt.png", "image/png", PNG)
    reply = actions.send_reply(conversation=conversation, agent=agent, text="见图", files=[picture])
    assert _deliver(reply).delivery_status == DeliveryStatus.SENT
    text, upload = graph_server.requests_to(SEND)
    assert text.json()["message"]["text"].startswith("见图")  # type: ignore[index]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="filedata"; filename="receipt.png"' in upload.body
    assert PNG in upload.body
    assert b'"type": "image"' in upload.body
    assert b'name="messaging_type"' in upload.body
    assert attachment_type("application/pdf") == "file"
    assert attachment_type("video/mp4") == "video"


@pytest.mark.parametrize(
    ("status", "code", "subcode"),
    [(503, 2, None), (400, 613, None), (400, 4, None), (500, 1, None)],
    ids=["unavailable", "rate_limit", "app_rate_limit", "unknown"],
)
def test_meta_busy_or_rate_limiting_is_retried(
    conversation: Conversation,
    agent: Agent,
    graph_server: GraphServer,
    status: int,
    code: int,
    subcode: int | None,
) -> None:
    graph_server.replies[SEND] = []
    graph_server.reply(SEND, status, graph_error(code, "try later", subcode))
    assert _deliver(_reply(conversation, agent)).delivery_status == DeliveryStatus.RETRYING


def test_outside_the_window_is_a_permanent_failure_with_the_reason(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    graph_server.replies[SEND] = []
    graph_server.reply(
        SEND, 400, graph_error(10, "This message is sent outside of allowed window.", 2018278)
    )
    failed = _deliver(_reply(conversation, agent))
    assert failed.delivery_status == DeliveryStatus.FAILED
    assert "outside the time allowed" in failed.delivery_error


@pytest.mark.parametrize(("code", "subcode"), [(551, 1545041), (200, 2018108), (200, 2018028)])
def test_a_person_who_cannot_be_reached_is_marked_unreachable(
    conversation: Conversation,
    agent: Agent,
    graph_server: GraphServer,
    code: int,
    subcode: int,
) -> None:
    graph_server.replies[SEND] = []
    graph_server.reply(
        SEND, 400, graph_error(code, "This person isn't available right now.", subcode)
    )
    failed = _deliver(_reply(conversation, agent))
    assert failed.delivery_status == DeliveryStatus.FAILED
    identity = ContactIdentity.objects.get(value=PSID)
    assert identity.unreachable_since is not None
    with pytest.raises(ReplyWindowClosed):
        _reply(conversation, agent)


def test_a_refused_token_says_the_page_must_be_reconnected(
    conversation: Conversation, agent: Agent, graph_server: GraphServer
) -> None:
    graph_server.token = "a-token-meta-has-revoked"
    failed = _deliver(_reply(conversation, agent))
    assert failed.delivery_status == DeliveryStatus.FAILED
    assert "reconnected" in failed.delivery_error
