import re
from typing import Any
from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext

from kefu.agents.models import Agent
from kefu.asgi import application
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import actions
from kefu.conversations.models import Attachment, Conversation, Message, MessageKind
from kefu.helpcenter.flows import actions as flow_actions
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat import actions as webchat_actions
from kefu.inboxes.webchat.identity import identify
from kefu.inboxes.webchat.inbound import parse_message
from kefu.inboxes.webchat.models import ChatSession, Upload
from kefu.inboxes.webchat.receiver import store_message
from tests.core.test_ids import HOSTILE_IDS, HOSTILE_JSON_IDS, hostile_spellings
from tests.inboxes.webchat.conftest import PAGE, frames_until, hello, identity_token, open_chat
from tests.inboxes.webchat.test_views import PNG
from tests.safety.secret_files import PHRASE_EN, WIF

pytestmark = pytest.mark.django_db(transaction=True)

# What storing a chat's messages costs, pinned (see BENCHMARKS.md, live chat).
OPENING_STATEMENTS = 15
NEXT_MESSAGE_STATEMENTS = 7


async def send_message(communicator: WebsocketCommunicator, client_id: str, text: str, **extra):
    await communicator.send_json_to(
        {"type": "message", "client_id": client_id, "text": text, **extra}
    )
    frames = await frames_until(communicator, "ack")
    return frames[-1]


async def test_a_first_message_opens_a_chat_conversation_and_is_acknowledged(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    assert welcome["session"]
    ack = await send_message(
        chat, "c1", "我的提现还没到账", topic="withdrawal_delayed", email="z@example.com"
    )
    assert ack["seq"] == 1
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    assert conversation.intent == "withdrawal_delayed"
    assert conversation.channel == "webchat"
    assert await database_sync_to_async(
        ChatSession.objects.filter(conversation=conversation).exists
    )()
    frames = await frames_until(chat, "resumed")
    texts = [f["text"] for f in frames if f["type"] == "message"]
    assert texts == ["我的提现还没到账"]
    await chat.disconnect()


async def test_an_agent_reply_is_pushed_to_the_customer_with_name_and_agent_id(
    chat_inbox: Inbox, agent: Agent
) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(chat, "c1", "hello")
    await frames_until(chat, "resumed")
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    await database_sync_to_async(actions.send_reply)(
        conversation=conversation, agent=agent, text="您好，正在查询"
    )
    frames = await frames_until(chat, "message")
    reply = frames[-1]
    assert reply["text"] == "您好，正在查询"
    assert reply["seq"] == 2
    assert reply["author"] == "agent"
    assert reply["agent"] == {"name": agent.display_name, "public_id": agent.public_id}
    await chat.disconnect()


async def test_resume_after_a_gap_delivers_exactly_the_missed_messages_in_order(
    chat_inbox: Inbox, agent: Agent
) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    ack = await send_message(chat, "c1", "first")
    await frames_until(chat, "resumed")
    conversation_id = ack["conversation_id"]
    await chat.disconnect()  # the network drops

    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation_id)
    for text in ("one", "two", "three"):
        await database_sync_to_async(actions.send_reply)(
            conversation=conversation, agent=agent, text=text
        )

    again = await open_chat(chat_inbox)
    await hello(again, session=welcome["session"], conversation=conversation_id, after=1)
    frames = await frames_until(again, "resumed")
    missed = [(f["seq"], f["text"]) for f in frames if f["type"] == "message"]
    assert missed == [(2, "one"), (3, "two"), (4, "three")]
    assert frames[-1]["last_seq"] == 4
    # Asking again from the last one seen yields nothing twice.
    await again.send_json_to({"type": "resume", "after": 4})
    frames = await frames_until(again, "resumed")
    assert [f for f in frames if f["type"] == "message"] == []
    await again.disconnect()


async def test_a_resent_message_after_a_drop_is_stored_once(chat_inbox: Inbox) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    first = await send_message(chat, "c-retry", "提现卡住了")
    await chat.disconnect()
    again = await open_chat(chat_inbox)
    await hello(again, session=welcome["session"])
    second = await send_message(again, "c-retry", "提现卡住了")
    assert second["id"] == first["id"]
    assert second["seq"] == first["seq"]
    count = await database_sync_to_async(
        Message.objects.filter(
            conversation_id=first["conversation_id"], kind=MessageKind.INBOUND
        ).count
    )()
    assert count == 1
    await again.disconnect()


async def test_the_same_session_finds_its_chat_again_and_another_does_not(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    ack = await send_message(chat, "c1", "hello")
    await chat.disconnect()

    same = await open_chat(chat_inbox)
    await hello(same, session=welcome["session"])
    frames = await frames_until(same, "resumed")
    assert frames[0] == {**frames[0], "type": "conversation", "id": ack["conversation_id"]}
    await same.disconnect()

    stranger = await open_chat(chat_inbox)
    await hello(stranger)
    await stranger.send_json_to({"type": "ping"})
    assert await stranger.receive_json_from() == {"type": "pong"}  # no conversation frames
    await stranger.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_frame"),
        ("[1, 2]", "bad_frame"),
        ('{"type": "launch_missiles"}', "unknown_frame"),
        ('{"type": "message", "text": "no client id"}', "bad_frame"),
        ('{"type": "message", "client_id": "c1", "text": ""}', "empty_message"),
        ('{"type": "message", "client_id": "c1", "text": 5}', "bad_frame"),
        ('{"type": "message", "client_id": "c1", "text": "x", "topic": "bogus"}', "bad_frame"),
        ('{"type": "message", "client_id": "c1", "text": "x", "email": "nope"}', "bad_email"),
        ('{"type": "message", "client_id": "c1", "text": "x", "uploads": [999]}', "upload_missing"),
        ('{"type": "resume", "after": "x"}', "bad_frame"),
        ('{"type": "read", "seq": true}', "bad_frame"),
        ('{"type": "transcript", "email": "a@example.com"}', "no_conversation"),
        ('{"type": "transcript_code", "email": "a@example.com", "code": "1"}', "no_conversation"),
        ('{"type": "hello"}', "bad_frame"),
    ],
)
async def test_a_bad_frame_gets_an_error_and_the_socket_stays_usable(
    chat_inbox: Inbox, frame: str, code: str
) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    await chat.send_to(text_data=frame)
    error = await chat.receive_json_from()
    assert error["type"] == "error"
    assert error["code"] == code
    await chat.send_json_to({"type": "ping"})
    assert await chat.receive_json_from() == {"type": "pong"}
    await chat.disconnect()


async def test_frames_before_hello_are_refused(chat_inbox: Inbox) -> None:
    chat = await open_chat(chat_inbox)
    await chat.send_json_to({"type": "message", "client_id": "c1", "text": "hi"})
    assert (await chat.receive_json_from())["code"] == "hello_first"
    await chat.disconnect()


async def test_an_oversized_frame_is_refused_and_a_too_long_message_too(
    chat_inbox: Inbox, settings
) -> None:
    settings.KEFU_MAX_MESSAGE_CHARS = 100
    settings.KEFU_CHAT_MAX_FRAME_CHARS = 1000
    chat = await open_chat(chat_inbox)
    await hello(chat)
    await chat.send_json_to({"type": "message", "client_id": "c1", "text": "x" * 5000})
    assert (await chat.receive_json_from())["code"] == "frame_too_large"
    await chat.send_json_to({"type": "message", "client_id": "c2", "text": "x" * 101})
    assert await chat.receive_json_from() == {
        "type": "error",
        "code": "message_too_long",
        "client_id": "c2",
    }
    await chat.send_to(bytes_data=b"\x00\x01")
    assert (await chat.receive_json_from())["code"] == "bad_frame"
    ack = await send_message(chat, "c3", "still here")
    assert ack["seq"] == 1
    await chat.disconnect()


async def test_one_sessions_bad_frames_do_not_disturb_another(
    chat_inbox: Inbox, agent: Agent
) -> None:
    calm = await open_chat(chat_inbox)
    await hello(calm)
    ack = await send_message(calm, "c1", "hello")
    await frames_until(calm, "resumed")
    noisy = await open_chat(chat_inbox)
    await noisy.send_to(text_data="{{{{")
    await noisy.send_to(text_data='{"type": "hello", "session": "forged.token"}')
    await noisy.receive_json_from()
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    await database_sync_to_async(actions.send_reply)(
        conversation=conversation, agent=agent, text="ok"
    )
    frames = await frames_until(calm, "message")
    assert frames[-1]["text"] == "ok"
    await calm.disconnect()
    await noisy.disconnect()


async def test_too_many_messages_in_a_burst_are_refused(chat_inbox: Inbox) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    codes: list[str] = []
    for n in range(22):
        await chat.send_json_to({"type": "message", "client_id": f"c{n}", "text": f"m{n}"})
    while len(codes) < 22:
        frame = await chat.receive_json_from(timeout=5)
        if frame["type"] in ("ack", "error"):
            codes.append(frame.get("code", "ack"))
    assert codes.count("ack") == 20
    assert codes.count("rate_limited") == 2
    await chat.disconnect()


@pytest.mark.parametrize("inbox_id", HOSTILE_IDS)
async def test_a_hostile_inbox_id_is_closed_as_unknown(chat_inbox: Inbox, inbox_id: str) -> None:
    for raw in (inbox_id, *hostile_spellings(chat_inbox.pk)):
        chat = WebsocketCommunicator(application, f"/ws/chat/?inbox={quote(raw, safe='')}")
        assert await chat.connect() == (False, 4404), raw


@pytest.mark.parametrize("value", HOSTILE_JSON_IDS)
async def test_hostile_numbers_in_frames_are_bad_frames(chat_inbox: Inbox, value: object) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat, conversation=value, after=value)  # ignored in hello: a fresh start
    ack = await send_message(chat, "c1", "提现没到账")
    await frames_until(chat, "resumed")
    frames: list[dict[str, object]] = [
        {"type": "resume", "after": value},
        {"type": "read", "seq": value},
        {"type": "message", "client_id": "c2", "text": "x", "uploads": [value]},
    ]
    for frame in frames:
        if frame["type"] == "resume" and value == 0:
            continue  # "after 0" is a valid resume from the start
        await chat.send_json_to(frame)
        got = await chat.receive_json_from()
        assert got.get("code") == "bad_frame", (frame, got)
    await chat.send_json_to({"type": "resume", "after": ack["seq"]})
    assert (await frames_until(chat, "resumed"))[-1]["last_seq"] == ack["seq"]
    await chat.disconnect()


async def test_an_unknown_inbox_or_a_foreign_origin_is_closed(chat_inbox: Inbox) -> None:
    unknown = WebsocketCommunicator(application, "/ws/chat/?inbox=999999")
    connected, code = await unknown.connect()
    assert (connected, code) == (False, 4404)
    foreign = WebsocketCommunicator(
        application,
        f"/ws/chat/?inbox={chat_inbox.pk}",
        headers=[(b"origin", b"https://evil.example"), (b"host", b"127.0.0.1:8000")],
    )
    connected, code = await foreign.connect()
    assert (connected, code) == (False, 4403)
    allowed = await open_chat(chat_inbox, origin=PAGE)
    await allowed.disconnect()


async def test_a_signed_identity_links_the_chat_to_the_platform_user(chat_inbox: Inbox) -> None:
    from kefu.contacts.models import ContactIdentity
    from tests.inboxes.webchat.conftest import identity_token

    chat = await open_chat(chat_inbox)
    welcome = await hello(chat, identity=identity_token("u-1001", name="张伟"))
    assert welcome["identified"] is True
    ack = await send_message(chat, "c1", "账户被锁了")
    identity = await database_sync_to_async(ContactIdentity.objects.select_related("contact").get)(
        kind="platform_user", value="u-1001"
    )
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    assert conversation.contact_id == identity.contact_id
    assert identity.contact.name == "张伟"
    await chat.disconnect()


async def test_a_name_from_the_host_site_is_screened_whole_before_it_is_cut(
    chat_inbox: Inbox,
) -> None:
    from kefu.contacts.models import ContactIdentity
    from tests.inboxes.webchat.conftest import identity_token

    # The phrase ends just past the 200th character: eleven of its words would survive a
    # cut made before screening.
    name = "李" * (200 - len(PHRASE_EN) + 2) + " " + PHRASE_EN
    chat = await open_chat(chat_inbox)
    await hello(chat, identity=identity_token("u-1002", name=name))
    await send_message(chat, "c1", "账户被锁了")
    identity = await database_sync_to_async(ContactIdentity.objects.select_related("contact").get)(
        kind="platform_user", value="u-1002"
    )
    words = PHRASE_EN.split()
    assert identity.contact.name.startswith("李" * 100)
    assert " ".join(words[:3]) not in identity.contact.name
    await chat.disconnect()


async def test_typing_and_read_receipts_flow_between_customer_and_agent(
    chat_inbox: Inbox, agent: Agent
) -> None:
    from kefu.core.events import conversation_group
    from kefu.inboxes.webchat.actions import mark_read

    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(chat, "c1", "hi")
    await frames_until(chat, "resumed")
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    layer = get_channel_layer()
    agent_side = await layer.new_channel()
    await layer.group_add(conversation_group(conversation.pk), agent_side)
    await chat.send_json_to({"type": "typing", "active": True})
    event = (await layer.receive(agent_side))["event"]
    assert event == {
        "kind": "chat.typing",
        "conversation_id": conversation.pk,
        "who": "customer",
        "active": True,
    }
    await database_sync_to_async(mark_read)(conversation=conversation, by_agent=True, seq=1)
    frames = await frames_until(chat, "read")
    assert frames[-1] == {"type": "read", "seq": 1}
    await chat.disconnect()


async def test_an_uploaded_image_is_attached_to_the_message_that_references_it(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)

    response = await AsyncClient().post(
        "/chat/upload/",
        {
            "inbox": chat_inbox.pk,
            "session": welcome["session"],
            "file": SimpleUploadedFile("screenshot.png", PNG),
        },
    )
    upload_id = response.json()["id"]
    ack = await send_message(chat, "c1", "", uploads=[upload_id])
    frames = await frames_until(chat, "resumed")
    [message] = [f for f in frames if f["type"] == "message"]
    assert message["seq"] == ack["seq"]
    [attachment] = message["attachments"]
    assert attachment["name"] == "screenshot.png"
    assert attachment["type"] == "image/png"
    image = await AsyncClient().get(attachment["url"])
    assert image.status_code == 200
    assert b"".join(image.streaming_content) == PNG  # type: ignore[attr-defined]
    assert not await database_sync_to_async(Upload.objects.filter(pk=upload_id).exists)()
    # The upload was consumed: referencing it again is refused.
    await chat.send_json_to(
        {"type": "message", "client_id": "c2", "text": "", "uploads": [upload_id]}
    )
    assert (await chat.receive_json_from())["code"] == "upload_missing"
    await chat.disconnect()


LOG = f"import ok\nmnemonic: {PHRASE_EN}\npassword: Hunter2-Secret!\n"


async def test_a_secret_removed_from_an_upload_warns_flags_and_alerts_with_its_message(
    chat_inbox: Inbox,
) -> None:
    from kefu.safety.models import SafetyAlert

    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    response = await AsyncClient().post(
        "/chat/upload/",
        {
            "inbox": chat_inbox.pk,
            "session": welcome["session"],
            "file": SimpleUploadedFile("wallet.log", LOG.encode()),
        },
    )
    ack = await send_message(chat, "c1", "my wallet is empty", uploads=[response.json()["id"]])
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    assert conversation.secret_exposed
    alert = await database_sync_to_async(SafetyAlert.objects.get)(conversation=conversation)
    assert alert.reasons == ["password", "recovery_phrase"]
    attachment = await database_sync_to_async(Attachment.objects.get)()
    stored = await database_sync_to_async(attachment.file.read)()
    assert stored == (
        b"import ok\nmnemonic: [recovery phrase removed]\npassword: [password removed]\n"
    )
    frames = await frames_until(chat, "resumed")
    texts = [frame["text"] for frame in frames if frame["type"] == "message"]
    assert any("new wallet" in text for text in texts)  # the exposure warning
    await chat.disconnect()


async def test_a_client_id_holding_a_key_is_stored_hashed_and_a_resend_is_still_one_message(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    first = await send_message(chat, WIF, "提现没到账")
    again = await send_message(chat, WIF, "提现没到账")
    assert again["seq"] == first["seq"]
    message = await database_sync_to_async(Message.objects.get)(kind=MessageKind.INBOUND)
    assert WIF not in message.external_id
    await chat.disconnect()


async def test_an_agents_typing_and_reading_in_the_console_reach_the_customer(
    chat_inbox: Inbox, agent: Agent
) -> None:
    from django.conf import settings

    from tests.conftest import verified_client

    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(chat, "c1", "在吗")
    await frames_until(chat, "resumed")
    client = await database_sync_to_async(verified_client)(agent)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    console = WebsocketCommunicator(
        application,
        "/ws/console/",
        headers=[(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1:8000")],
    )
    assert (await console.connect())[0]
    # Not subscribed to the conversation yet: refused, nothing reaches the customer.
    await console.send_json_to({"typing": ack["conversation_id"], "active": True})
    assert (await console.receive_json_from())["code"] == "bad_frame"
    await console.send_json_to({"subscribe": ack["conversation_id"]})
    await console.receive_json_from()
    await console.send_json_to({"typing": ack["conversation_id"], "active": True})
    typing = (await frames_until(chat, "typing"))[-1]
    assert typing == {"type": "typing", "active": True, "name": agent.display_name}
    await console.send_json_to({"read": ack["conversation_id"]})
    read = (await frames_until(chat, "read"))[-1]
    assert read == {"type": "read", "seq": 1}
    await console.disconnect()
    await chat.disconnect()


async def test_a_waiting_customer_sees_the_queue_position_and_an_agent_taking_over(
    chat_inbox: Inbox, agent: Agent
) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(chat, "c1", "有人吗")
    frames = await frames_until(chat, "queue")
    assert frames[-1]["position"] == 1
    assert frames[-1]["agents_online"] == 1
    # This inbox leaves chats to be taken: the widget is told so, with an estimate.
    assert frames[-1]["reason"] == "manual"
    assert frames[-1]["estimated_wait_seconds"] > 0
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    await database_sync_to_async(actions.assign)(
        conversation=conversation, actor=agent, assignee=agent
    )
    state = [f for f in await frames_until(chat, "conversation") if f["type"] == "conversation"]
    assert state[-1]["agent"] == {"name": agent.display_name, "public_id": agent.public_id}
    await chat.disconnect()


async def test_a_reconnecting_widget_gets_the_agents_read_mark_with_the_state(
    chat_inbox: Inbox,
) -> None:
    from kefu.inboxes.webchat.actions import mark_read

    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    ack = await send_message(chat, "c1", "hi")
    await chat.disconnect()
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    await database_sync_to_async(mark_read)(conversation=conversation, by_agent=True, seq=1)
    again = await open_chat(chat_inbox)
    await hello(again, session=welcome["session"], conversation=conversation.pk, after=1)
    state = await again.receive_json_from()
    assert (state["type"], state["agent_read_seq"]) == ("conversation", 1)
    await again.disconnect()


async def test_a_waiting_customer_hears_when_the_queue_changes(chat_inbox: Inbox) -> None:
    first = await open_chat(chat_inbox)
    await hello(first)
    await send_message(first, "c1", "排队中")
    waiting = (await frames_until(first, "queue"))[-1]
    # Nobody online: no estimate, and the reason instead.
    assert (waiting["estimated_wait_seconds"], waiting["reason"]) == (None, "no_agent_online")
    second = await open_chat(chat_inbox)
    await hello(second)
    await send_message(second, "c1", "我也在等")
    # The second chat joined the queue: the first re-reads its place (after a few
    # seconds of coalescing), still first.
    update = (await frames_until(first, "queue"))[-1]
    assert update["position"] == 1
    await first.disconnect()
    await second.disconnect()


async def test_a_database_failure_is_a_retryable_error_not_a_closed_socket(
    chat_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from kefu.inboxes.webchat import receiver

    def unavailable(*args: object, **kwargs: object) -> None:
        raise OperationalError("couldn't get a connection")

    chat = await open_chat(chat_inbox)
    await hello(chat)
    monkeypatch.setattr(receiver, "receive_message", unavailable)
    await chat.send_json_to({"type": "message", "client_id": "c1", "text": "hi"})
    assert await chat.receive_json_from() == {
        "type": "error",
        "code": "unavailable",
        "client_id": "c1",
    }
    monkeypatch.undo()
    ack = await send_message(chat, "c1", "hi")  # the widget's resend
    assert ack["seq"] == 1
    await chat.disconnect()


def _run_at_hand_off() -> FlowRun:
    run = flow_actions.start_flow(intent="deposit_missing", language="en")
    for value in ("TRC20", "ab" * 32, "help"):
        run = flow_actions.answer_step(run=run, value=value)
    return run


async def test_a_guided_flow_from_the_widget_opens_the_chat_with_what_it_collected(
    chat_inbox: Inbox,
) -> None:
    run = await database_sync_to_async(_run_at_hand_off)()
    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(
        chat, "c1", "Still not there", topic="deposit_missing", flow=str(run.token)
    )
    first = await database_sync_to_async(Message.objects.select_related("conversation").get)(
        pk=ack["id"]
    )
    # The summary the flow writes for agents (in the agents' language), then the customer.
    assert "start → tx → lookup → checklist → handoff" in first.text
    assert "network: TRC20" in first.text
    assert first.text.endswith("\n\nStill not there")
    assert first.conversation.channel == "webchat"
    run = await database_sync_to_async(FlowRun.objects.get)(pk=run.pk)
    assert run.outcome == RunOutcome.HANDOFF
    assert run.conversation_id == ack["conversation_id"]
    # Later messages are plain: the flow hands off once.
    second = await send_message(chat, "c2", "W-1042", flow=str(run.token))
    assert second["conversation_id"] == ack["conversation_id"]
    await chat.disconnect()


async def test_a_flow_token_that_cannot_hand_off_is_refused_and_nothing_is_stored(
    chat_inbox: Inbox,
) -> None:
    unfinished = await database_sync_to_async(flow_actions.start_flow)(
        intent="deposit_missing", language="en"
    )
    chat = await open_chat(chat_inbox)
    await hello(chat)
    for flow, code in (
        (str(unfinished.token), "invalid_status_transition"),
        ("00000000-0000-0000-0000-000000000000", "not_found"),
        ("<script>", "bad_frame"),
    ):
        await chat.send_json_to(
            {"type": "message", "client_id": "c1", "text": "hello", "flow": flow}
        )
        error = await chat.receive_json_from()
        assert (error["type"], error["code"]) == ("error", code)
    assert not await database_sync_to_async(Message.objects.exists)()
    # The widget then sends the same message without the token: the chat opens.
    ack = await send_message(chat, "c1", "hello")
    assert ack["seq"] == 1
    await chat.disconnect()


# ---- the transcript: only to an address the chat has verified ----

ATTACKER_TEXT = {
    "zh-Hans": "您的账户已冻结，请立即访问 http://kefu-support.example 解冻",
    "zh-Hant": "您的帳戶已凍結，請立即前往 http://kefu-support.example 解凍",
    "en": "Your account is frozen. Visit http://kefu-support.example now to unlock it.",
}
ATTACKER_WORD = {"zh-Hans": "冻结", "zh-Hant": "凍結", "en": "frozen"}
CODE_SENTENCE = {
    "zh-Hans": "有人在 Kefu 客服聊天中请求将聊天记录发送到此邮箱。",
    "zh-Hant": "有人在 Kefu 客服聊天中要求將聊天記錄寄到此信箱。",
    "en": "Someone asked in a Kefu support chat to have the chat's transcript sent to this",
}


async def chat_with_text(
    inbox: Inbox, text: str = "我的提现还没到账", *, client: str = "198.51.100.7", **fields
) -> WebsocketCommunicator:
    chat = await open_chat(inbox, client=client)
    await hello(chat, **fields)
    await send_message(chat, "c1", text)
    await frames_until(chat, "resumed")
    return chat


async def answer(chat: WebsocketCommunicator, frame: dict[str, Any]) -> dict[str, Any]:
    """The transcript frame's answer: queued, code sent, or an error."""
    await chat.send_json_to(frame)
    while True:
        reply = await chat.receive_json_from(timeout=5)
        if reply["type"] in ("transcript_queued", "transcript_code_sent", "error"):
            return reply


async def ask_transcript(chat: WebsocketCommunicator, email: Any) -> dict[str, Any]:
    return await answer(chat, {"type": "transcript", "email": email})


async def give_code(chat: WebsocketCommunicator, email: str, code: str) -> dict[str, Any]:
    return await answer(chat, {"type": "transcript_code", "email": email, "code": code})


@pytest.fixture
def deliver(settings):
    """What was mailed since the last call. Jobs run as they are queued: the mails are
    under test here, not the queue (whose worker cannot run inside an event loop)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "delivery"],
        }
    }
    seen = 0

    def mailed() -> list[Any]:
        nonlocal seen
        sent, seen = mail.outbox[seen:], len(mail.outbox)
        return sent

    return mailed


def mailed_code(message) -> str:
    found = re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE)
    assert found is not None, message.body
    return found.group(1)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
async def test_an_anonymous_chat_cannot_mail_its_text_to_a_typed_address(
    chat_inbox: Inbox, deliver, language: str
) -> None:
    chat = await chat_with_text(chat_inbox, ATTACKER_TEXT[language])
    reply = await ask_transcript(chat, "Victim@Example.com")
    assert reply == {"type": "transcript_code_sent", "email": "Victim@Example.com"}
    [code_mail] = deliver()
    assert code_mail.to == ["victim@example.com"]
    # Only our fixed words, in the chat's language, and the code: none of the visitor's.
    assert CODE_SENTENCE[language] in code_mail.body
    for mailed in (code_mail.subject, code_mail.body):
        assert "kefu-support.example" not in mailed
        assert ATTACKER_WORD[language] not in mailed
    await chat.disconnect()


async def test_a_host_users_chosen_name_does_not_reach_an_unverified_address(
    chat_inbox: Inbox, deliver
) -> None:
    token = identity_token(
        "u-666",
        name="客服中心 http://kefu-support.example",
        email="me@example.com",
        email_verified=True,
    )
    chat = await chat_with_text(chat_inbox, "hello", identity=token)
    assert (await ask_transcript(chat, "victim@example.com"))["type"] == "transcript_code_sent"
    [code_mail] = deliver()
    assert "kefu-support.example" not in code_mail.body + code_mail.subject
    assert "客服中心" not in code_mail.body + code_mail.subject
    await chat.disconnect()


async def test_the_mailed_code_sends_the_transcript_to_that_address_and_verifies_it(
    chat_inbox: Inbox, deliver
) -> None:
    chat = await chat_with_text(chat_inbox, "提现 W-1042 还没到账")
    await ask_transcript(chat, "zhang.wei@example.com")
    [code_mail] = deliver()
    assert await give_code(chat, "zhang.wei@example.com", mailed_code(code_mail)) == {
        "type": "transcript_queued"
    }
    [transcript] = deliver()
    assert transcript.to == ["zhang.wei@example.com"]
    assert "提现 W-1042 还没到账" in transcript.body
    # Verified for this visitor now: the next transcript goes without a code.
    assert await ask_transcript(chat, "ZHANG.WEI@example.com") == {"type": "transcript_queued"}
    [again] = deliver()
    assert again.to == ["zhang.wei@example.com"]
    await chat.disconnect()


async def test_a_wrong_code_is_refused_and_five_wrong_ones_burn_it(
    chat_inbox: Inbox, deliver
) -> None:
    chat = await chat_with_text(chat_inbox)
    await ask_transcript(chat, "li@example.com")
    [code_mail] = deliver()
    right = mailed_code(code_mail)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert (await give_code(chat, "li@example.com", wrong))["code"] == "bad_code"
    assert (await give_code(chat, "li@example.com", right))["code"] == "code_expired"
    assert deliver() == []
    await chat.disconnect()


async def test_a_code_works_only_for_the_visitor_it_was_mailed_for(
    chat_inbox: Inbox, deliver
) -> None:
    asking = await chat_with_text(chat_inbox)
    await ask_transcript(asking, "li@example.com")
    [code_mail] = deliver()
    other = await chat_with_text(chat_inbox, client="203.0.113.9")
    reply = await give_code(other, "li@example.com", mailed_code(code_mail))
    assert reply["code"] == "code_expired"
    assert deliver() == []
    await asking.disconnect()
    await other.disconnect()


@pytest.mark.parametrize(
    ("claims", "step"),
    [
        ({"email": "Zhang.Wei@example.com", "email_verified": True}, "transcript_queued"),
        ({"email": "zhang.wei@example.com", "email_verified": False}, "transcript_code_sent"),
        ({"email": "zhang.wei@example.com"}, "transcript_code_sent"),
        ({"email": "zhang.wei@example.com", "email_verified": "true"}, "transcript_code_sent"),
    ],
)
async def test_the_host_sites_verified_email_gets_the_transcript_without_a_code(
    chat_inbox: Inbox, deliver, claims: dict[str, Any], step: str
) -> None:
    chat = await chat_with_text(chat_inbox, identity=identity_token("u-1001", **claims))
    assert (await ask_transcript(chat, "zhang.wei@example.com"))["type"] == step
    [sent] = deliver()
    assert ("我的提现还没到账" in sent.body) == (step == "transcript_queued")
    await chat.disconnect()


async def test_a_customers_email_verified_on_the_portal_gets_the_transcript_without_a_code(
    chat_inbox: Inbox, deliver
) -> None:
    chat = await chat_with_text(chat_inbox, identity=identity_token("u-2002"))
    conversation = await database_sync_to_async(Conversation.objects.get)()
    await database_sync_to_async(ContactIdentity.objects.create)(
        contact_id=conversation.contact_id,
        kind=IdentityKind.EMAIL,
        value="wang.fang@example.com",
        verified=True,
    )
    assert await ask_transcript(chat, "wang.fang@example.com") == {"type": "transcript_queued"}
    [sent] = deliver()
    assert sent.to == ["wang.fang@example.com"]
    await chat.disconnect()


async def test_mails_are_limited_per_visitor(chat_inbox: Inbox, deliver) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    await send_message(chat, "c1", "我的提现还没到账")
    await frames_until(chat, "resumed")
    limit = webchat_actions.MAILS_PER_VISITOR.attempts
    for n in range(limit):
        assert (await ask_transcript(chat, f"v{n}@example.com"))["type"] == "transcript_code_sent"
    # The same visitor (its session token) on another network counts on.
    again = await open_chat(chat_inbox, client="203.0.113.77")
    await hello(again, session=welcome["session"])
    await frames_until(again, "resumed")
    assert (await ask_transcript(again, "one-more@example.com"))["code"] == "too_many_emails"
    assert len(deliver()) == limit
    await chat.disconnect()
    await again.disconnect()


async def test_mails_are_limited_per_network_address(chat_inbox: Inbox, deliver) -> None:
    per_visitor = webchat_actions.MAILS_PER_VISITOR.attempts
    limit = webchat_actions.MAILS_PER_IP.attempts
    chats = [await chat_with_text(chat_inbox) for _ in range(-(-limit // per_visitor) + 1)]
    answers = []
    for n in range(limit + 1):
        chat = chats[n // per_visitor]
        answers.append((await ask_transcript(chat, f"r{n}@example.com"))["type"])
    assert answers == ["transcript_code_sent"] * limit + ["error"]
    elsewhere = await chat_with_text(chat_inbox, client="203.0.113.50")
    assert (await ask_transcript(elsewhere, "r-else@example.com"))["type"] == (
        "transcript_code_sent"
    )
    for chat in [*chats, elsewhere]:
        await chat.disconnect()


async def test_mails_are_limited_per_recipient(chat_inbox: Inbox, deliver) -> None:
    limit = webchat_actions.MAILS_PER_RECIPIENT.attempts
    answers = []
    for n in range(limit + 1):
        chat = await chat_with_text(chat_inbox, client=f"203.0.113.{n + 1}")
        answers.append(await ask_transcript(chat, "victim@example.com"))
        await chat.disconnect()
    assert [a["type"] for a in answers] == ["transcript_code_sent"] * limit + ["error"]
    assert answers[-1]["code"] == "too_many_emails"
    assert len(deliver()) == limit


async def test_a_bad_address_is_refused(chat_inbox: Inbox) -> None:
    chat = await chat_with_text(chat_inbox)
    for email in ("", "not-an-address", "a@b@example.com", 42):
        assert (await ask_transcript(chat, email))["code"] == "bad_email"
    await chat.disconnect()


async def test_a_null_character_anywhere_in_a_frame_is_refused_for_good(chat_inbox: Inbox) -> None:
    """PostgreSQL cannot store U+0000: refused with a code the widget does not retry."""
    run = await database_sync_to_async(_run_at_hand_off)()
    chat = await open_chat(chat_inbox)
    await hello(chat)
    first = {"type": "message", "client_id": "c1", "text": "提现没到账"}
    for field, value in (
        ("text", "提现\x00没到账"),
        ("email", "li\x00@example.com"),
        ("topic", "withdrawal_delayed\x00"),
        ("flow", f"{run.token}\x00"),
        ("client_id", "c1\x00"),
    ):
        await chat.send_json_to({**first, field: value})
        error = await chat.receive_json_from()
        assert error["type"] == "error"
        assert error["code"] == "bad_text", field
        if field != "client_id":
            assert error["client_id"] == "c1"  # the widget marks that message as not sent
    ack = await send_message(chat, "c2", "提现没到账")
    await frames_until(chat, "resumed")
    await chat.send_json_to({"type": "message", "client_id": "c3", "text": "还在吗\x00"})
    assert (await chat.receive_json_from())["code"] == "bad_text"
    await chat.send_json_to({"type": "transcript", "email": "li\x00@example.com"})
    assert (await chat.receive_json_from())["code"] == "bad_text"
    texts = await database_sync_to_async(
        lambda: list(Message.objects.values_list("text", flat=True))
    )()
    assert texts == ["提现没到账"]
    assert ack["seq"] == 1
    await chat.disconnect()


async def test_a_null_character_in_hello_is_refused(chat_inbox: Inbox) -> None:
    chat = await open_chat(chat_inbox)
    await chat.send_json_to({"type": "hello", "session": "x\x00"})
    assert (await chat.receive_json_from())["code"] == "bad_text"
    await hello(chat)
    await chat.disconnect()


async def _publish_to_contact(contact_id: int, event: dict[str, Any]) -> None:
    await get_channel_layer().group_send(
        f"contact.{contact_id}", {"type": "kefu.event", "event": event}
    )


async def test_a_survey_sent_to_the_contact_reaches_the_chat_also_after_a_reconnect(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    welcome = await hello(chat)
    ack = await send_message(chat, "c1", "谢谢，问题解决了")
    await frames_until(chat, "resumed")
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    event = {"kind": "survey", "token": "t0k3n", "conversation_id": conversation.pk}
    await _publish_to_contact(conversation.contact_id, event)
    frame = await frames_until(chat, "survey")
    assert frame[-1] == {"type": "survey", "token": "t0k3n", "conversation_id": conversation.pk}
    await chat.disconnect()

    # A page load later the socket knows the chat from its session, not from a message.
    again = await open_chat(chat_inbox)
    await hello(again, session=welcome["session"], conversation=conversation.pk)
    await frames_until(again, "resumed")
    await _publish_to_contact(conversation.contact_id, event)
    frame = await frames_until(again, "survey")
    assert frame[-1]["token"] == "t0k3n"
    await again.disconnect()


async def test_a_survey_about_another_conversation_of_the_contact_is_not_shown(
    chat_inbox: Inbox,
) -> None:
    chat = await open_chat(chat_inbox)
    await hello(chat)
    ack = await send_message(chat, "c1", "hello")
    await frames_until(chat, "resumed")
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    await _publish_to_contact(
        conversation.contact_id,
        {"kind": "survey", "token": "other", "conversation_id": conversation.pk + 1000},
    )
    await chat.send_json_to({"type": "ping"})
    assert [f["type"] for f in await frames_until(chat, "pong")] == ["pong"]
    await chat.disconnect()


def _statements(captured: list[dict[str, Any]]) -> list[str]:
    """The SQL a write sent, without transaction control (SQLite logs BEGIN, PostgreSQL not)."""
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured if not q["sql"].startswith(control)]


def test_opening_a_chat_and_the_next_message_cost_a_fixed_number_of_statements(
    chat_inbox: Inbox,
) -> None:
    visitor, _ = identify(chat_inbox, None, None)
    first = parse_message({"type": "message", "client_id": "c1", "text": "My withdrawal is late"})
    with CaptureQueriesContext(connection) as opening:
        _, conversation, contact = store_message(chat_inbox, visitor, first, None, None)
    following = parse_message({"type": "message", "client_id": "c2", "text": "still late"})
    with CaptureQueriesContext(connection) as next_message:
        store_message(chat_inbox, visitor, following, conversation.pk, contact)

    # Opening: the identity lookup, contact, identity, receipt, conversation, message,
    # search document, routing and SLA, then the chat session (its own transaction).
    # Fewer once the routing and SLA lookups are cached in the process.
    assert len(_statements(opening.captured_queries)) <= OPENING_STATEMENTS
    # A later message: the conversation, then one transaction (receipt, sequence,
    # message, search document, conversation), 6 or 7 with the process's caches;
    # the socket's contact is not read again.
    assert len(_statements(next_message.captured_queries)) <= NEXT_MESSAGE_STATEMENTS
