from collections.abc import Callable

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from kefu.agents.models import Agent
from kefu.asgi import application
from kefu.conversations import actions
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.models import ChatSession
from tests.inboxes.webchat.conftest import PAGE, frames_until, hello, open_chat

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
    ack = await send_message(chat, "c1", "我的提现还没到账", topic="withdrawal_delayed", email="z@example.com")
    assert ack["seq"] == 1
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=ack["conversation_id"])
    assert conversation.intent == "withdrawal_delayed"
    assert conversation.channel == "webchat"
    assert await database_sync_to_async(ChatSession.objects.filter(conversation=conversation).exists)()
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
