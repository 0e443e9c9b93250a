from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient

from kefu.agents.models import Agent
from kefu.asgi import application
from kefu.conversations import actions
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.helpcenter.flows import actions as flow_actions
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.models import ChatSession, Upload
from tests.core.test_ids import HOSTILE_IDS, HOSTILE_JSON_IDS, hostile_spellings
from tests.inboxes.webchat.conftest import PAGE, frames_until, hello, open_chat
from tests.inboxes.webchat.test_views import PNG

pytestmark = pytest.mark.django_db(transaction=True)


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
        assert (await chat.receive_json_from())["code"] == "bad_frame", frame
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
    await frames_until(first, "queue")
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
