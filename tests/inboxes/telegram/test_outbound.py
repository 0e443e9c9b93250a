"""Agent replies sent to the Telegram user through the Bot API, and Telegram's refusals."""

import email
import email.policy
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity
from kefu.conversations import actions, reply_window, tasks
from kefu.conversations.inbound import InboundAttachment
from kefu.conversations.models import Conversation, DeliveryStatus, Message
from kefu.core.languages import in_language
from kefu.inboxes.telegram.outbound import TEXT_LIMIT, split_text
from kefu.safety.exposure import SAFETY_LINE
from tests.inboxes.telegram import updates
from tests.inboxes.telegram.conftest import Webhook
from tests.inboxes.telegram.telegram_server import TelegramServer, error, fields

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


@pytest.fixture
def conversation(webhook: Webhook) -> Conversation:
    webhook.post(updates.text("我的提现还没到"))
    return Conversation.objects.get()


def reply(conversation: Conversation, agent: Agent, text: str, **kw: object) -> Message:
    message = actions.send_reply(conversation=conversation, agent=agent, text=text, **kw)  # type: ignore[arg-type]
    tasks.deliver_message.call(message.pk)
    message.refresh_from_db()
    return message


def test_the_first_reply_carries_the_safety_line_and_the_second_does_not(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    first = reply(conversation, agent, "您好，我们正在查询")
    second = reply(conversation, agent, "已经到账了")
    assert first.delivery_status == second.delivery_status == DeliveryStatus.SENT
    sent = [fields(r) for r in telegram.sent("sendMessage")]
    line = in_language("zh-Hans", lambda: str(SAFETY_LINE))
    assert sent[0]["chat_id"] == str(updates.USER_ID)
    assert sent[0]["text"] == f"您好，我们正在查询\n\n{line}"
    assert sent[1]["text"] == "已经到账了"


def test_a_long_reply_is_split_under_telegrams_limit(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    reply(conversation, agent, "步骤说明。\n" * 1000)
    texts = [str(fields(r)["text"]) for r in telegram.sent("sendMessage")]
    assert len(texts) == 2
    assert texts[0].endswith("步骤说明。")
    assert all(len(t) <= TEXT_LIMIT for t in texts)


def test_split_text_cuts_at_line_breaks_and_keeps_every_character() -> None:
    text = "a" * 4000 + "\n" + "b" * 5000
    parts = split_text(text)
    assert parts == ["a" * 4000, "b" * 4096, "b" * 904]


def test_an_image_is_sent_as_a_photo(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    shot = InboundAttachment(filename="steps.png", content_type="image/png", content=PNG)
    reply(conversation, agent, "请看截图", files=[shot])
    [photo] = telegram.sent("sendPhoto")
    assert photo.headers["content-type"].startswith("multipart/form-data")
    # The parts as Telegram reads them: the chat, and the picture's own bytes.
    parts = email.message_from_bytes(
        b"Content-Type: " + photo.headers["content-type"].encode() + b"\r\n\r\n" + photo.body,
        policy=email.policy.HTTP,
    )
    fields = {
        part.get_param("name", header="content-disposition"): part for part in parts.iter_parts()
    }
    # aiogram names the file part and points the photo field at it (attach://<name>).
    attached = fields[fields["photo"].get_content().removeprefix("attach://")]
    assert attached.get_content() == PNG
    assert attached.get_filename() == "steps.png"
    chat = conversation.contact.identities.get().value
    assert fields["chat_id"].get_content().strip() == chat
    assert telegram.sent("sendDocument") == []


def test_a_flood_limit_retries_no_sooner_than_telegram_asked(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    telegram.reply("/bot", 429, error(429, "Too Many Requests: retry after 3600", retry_after=3600))
    before = timezone.now()
    message = reply(conversation, agent, "稍等")
    assert message.delivery_status == DeliveryStatus.RETRYING
    job = DBTaskResult.objects.filter(status="READY").latest("enqueued_at")
    assert job.run_after is not None
    assert job.run_after >= before + timedelta(seconds=3600)


def test_a_server_error_is_retried(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    telegram.reply("/bot", 502, error(502, "Bad Gateway"))
    assert reply(conversation, agent, "稍等").delivery_status == DeliveryStatus.RETRYING


def test_a_user_who_blocked_the_bot_is_unreachable_until_they_write_again(
    webhook: Webhook, conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    telegram.reply("/bot", 403, error(403, "Forbidden: bot was blocked by the user"))
    message = reply(conversation, agent, "您好")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "blocked" in message.delivery_error
    identity = ContactIdentity.objects.get(kind="telegram")
    assert identity.unreachable_since is not None
    assert not reply_window.reply_window(conversation).open

    telegram.replies.clear()
    webhook.post(updates.text("我解除屏蔽了"))
    conversation.refresh_from_db()
    assert reply_window.reply_window(conversation).open


def test_a_bad_request_fails_with_telegrams_description(
    conversation: Conversation, agent: Agent, telegram: TelegramServer
) -> None:
    telegram.reply("/bot", 400, error(400, "Bad Request: chat not found"))
    message = reply(conversation, agent, "您好")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "chat not found" in message.delivery_error


def test_a_conversation_without_a_telegram_account_fails_for_good(
    conversation: Conversation, agent: Agent
) -> None:
    ContactIdentity.objects.filter(kind="telegram").delete()
    message = reply(conversation, agent, "您好")
    assert message.delivery_status == DeliveryStatus.FAILED
    assert "no Telegram account" in message.delivery_error
