"""Replies to a Telegram user: sendMessage for the text (in 4096-character parts), then
sendPhoto / sendVoice / sendDocument for each file.

The delivery job is sync and aiogram is async: everything the call needs is read from
the database first, then one event loop (async_to_sync) makes the calls and the bot's
session is closed, and what Telegram answered is written back in sync code again.
"""

from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile
from asgiref.sync import async_to_sync
from django.utils.translation import gettext as _

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Attachment, Message
from kefu.conversations.outbound import PermanentError, RetryableError, text_to_send
from kefu.inboxes.telegram.bot_api import open_bot
from kefu.inboxes.telegram.models import TelegramBot

# sendMessage takes at most this many characters.
TEXT_LIMIT = 4096
_PHOTO_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class _File:
    name: str
    content_type: str
    content: bytes


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a line break where there is one."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit + 1)
        cut = cut if cut > 0 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts


async def _send_file(bot: Bot, chat_id: int, file: _File) -> None:
    upload = BufferedInputFile(file.content, filename=file.name)
    if file.content_type in _PHOTO_TYPES:
        await bot.send_photo(chat_id, upload)
    elif file.content_type == "audio/ogg":
        await bot.send_voice(chat_id, upload)
    else:
        await bot.send_document(chat_id, upload)


async def _send(token: str, chat_id: int, texts: list[str], files: list[_File]) -> None:
    async with open_bot(token) as bot:
        for text in texts:
            await bot.send_message(chat_id, text)
        for file in files:
            await _send_file(bot, chat_id, file)


def _chat_id(message: Message) -> int:
    identity = ContactIdentity.objects.filter(
        contact=message.conversation.contact, kind=IdentityKind.TELEGRAM
    ).first()
    if identity is None:
        raise PermanentError("The contact has no Telegram account to write to.")
    return int(identity.value)


def _read(attachment: Attachment) -> _File:
    with attachment.file.open("rb") as stored:
        return _File(attachment.filename, attachment.content_type, stored.read())


def deliver(message: Message) -> None:
    bot = TelegramBot.objects.filter(inbox_id=message.conversation.inbox_id).first()
    if bot is None:
        raise PermanentError("The conversation's inbox has no Telegram bot connected.")
    chat_id = _chat_id(message)
    files = [_read(a) for a in message.attachments.all()]
    try:
        async_to_sync(_send)(bot.token, chat_id, split_text(text_to_send(message)), files)
    except TelegramRetryAfter as flood:
        raise RetryableError(flood.message, retry_after=flood.retry_after) from flood
    except (TelegramNetworkError, TelegramServerError) as down:
        raise RetryableError(down.message) from down
    except TelegramForbiddenError as forbidden:
        # "bot was blocked by the user", "user is deactivated": no reply reaches them on
        # Telegram until they write again (find_or_create_contact clears the mark).
        reason = _("The customer blocked the bot or left Telegram (%(reason)s).") % {
            "reason": forbidden.message
        }
        mark_unreachable(IdentityKind.TELEGRAM, str(chat_id), reason=reason)
        raise PermanentError(forbidden.message) from forbidden
    except TelegramAPIError as refused:
        raise PermanentError(refused.message) from refused
