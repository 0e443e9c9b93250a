"""Telegram messages (parsed by aiogram) to InboundMessage: who, which language, which files."""

import asyncio
from typing import Any

import pytest
from aiogram.types import Update

from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.telegram.inbound import inbound_message, language_of
from kefu.inboxes.telegram.models import TelegramBot
from tests.inboxes.telegram import updates
from tests.inboxes.telegram.telegram_server import TelegramServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)


def build(bot: TelegramBot, raw: dict[str, Any]) -> InboundMessage:
    update = Update.model_validate_json(updates.encode(raw))
    assert update.message is not None

    return asyncio.run(inbound_message(bot.token, bot.inbox, update.update_id, update.message))


@pytest.mark.parametrize(
    ("code", "language"),
    [("zh-hans", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-hk", "zh-Hant"), ("en", "en"),
     ("ru", "en"), (None, "zh-Hans")],
)  # fmt: skip
def test_the_language_is_the_users_app_language(code: str | None, language: str) -> None:
    raw = updates.text("hi", sender=updates.user(language_code=code))
    message = Update.model_validate_json(updates.encode(raw)).message
    assert message is not None
    assert language_of(message) == language


@pytest.mark.django_db
def test_the_sender_is_the_telegram_user_and_the_id_the_update(bot: TelegramBot) -> None:
    raw = updates.text("你好", update_id=42)
    inbound = build(bot, raw)
    assert (inbound.identity_kind, inbound.identity_value) == ("telegram", str(updates.USER_ID))
    assert inbound.contact_name == "小明 王"
    assert inbound.external_id == "update:42"
    assert inbound.inbox == bot.inbox


@pytest.mark.django_db
def test_the_largest_photo_size_within_the_limit_is_fetched(
    bot: TelegramBot, telegram: TelegramServer, settings: Any
) -> None:
    settings.KEFU_MAX_ATTACHMENT_BYTES = 5000
    telegram.files["ph-s"] = ("photos/small.jpg", PNG)
    telegram.files["ph"] = ("photos/large.jpg", PNG + bytes(9000))
    inbound = build(bot, updates.photo("ph", size=9000 + len(PNG)))
    assert [a.content for a in inbound.attachments] == [PNG]
    assert [r.form["file_id"] for r in telegram.sent("getFile")] == [["ph-s"]]


@pytest.mark.django_db
def test_a_caption_is_the_text_of_a_file(bot: TelegramBot, telegram: TelegramServer) -> None:
    telegram.files["d"] = ("documents/notes.txt", b"tx 0xabc\n")
    inbound = build(bot, updates.document("d", name="notes.txt", mime="text/plain", size=9,
                                          caption="交易记录"))  # fmt: skip
    assert inbound.text == "交易记录"
    assert [a.filename for a in inbound.attachments] == ["notes.txt"]


@pytest.mark.django_db
def test_a_voice_note_without_a_transcriber_is_the_file_alone(
    bot: TelegramBot, telegram: TelegramServer
) -> None:
    telegram.files["v"] = ("voice/file.oga", b"OggS\x00\x02" + bytes(58))
    inbound = build(bot, updates.voice("v", size=64))
    assert inbound.text == ""
    assert [a.content_type for a in inbound.attachments] == ["audio/ogg"]
