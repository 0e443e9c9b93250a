"""A Telegram message (parsed by aiogram) -> InboundMessage, its files fetched from the
Bot API. No database writes: the receiver hands the result to receive_message.

Files are checked by the size Telegram states before any byte is downloaded; a file over
our limit, or over the 20 MB that getFile serves, becomes a note in the message's text,
as does a downloaded file of a type that is not kept: a webhook cannot refuse a message,
so the message is kept and says what was left out.
"""

from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from kefu.contacts.models import IdentityKind
from kefu.conversations import attachments
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.core.languages import Language, from_django
from kefu.core.transcription import transcript
from kefu.inboxes.models import Inbox
from kefu.inboxes.telegram.bot_api import open_bot

# getFile serves files up to this size; a larger one can be seen but never downloaded.
GET_FILE_LIMIT = 20 * 1024 * 1024


@dataclass(frozen=True)
class _Wanted:
    """One file the message carries, before it is fetched."""

    file_id: str
    filename: str
    content_type: str
    size: int | None


class Unfetchable(Exception):
    """Telegram would not serve a file (it said so, or its size was over a limit)."""


def language_of(message: Message) -> Language:
    """The user's app language; none given (a privacy setting) means Kefu's default."""
    code = message.from_user.language_code if message.from_user else None
    return from_django(code) if code else Language.ZH_HANS


def _wanted(message: Message) -> list[_Wanted]:
    limit = min(settings.KEFU_MAX_ATTACHMENT_BYTES, GET_FILE_LIMIT)
    files: list[_Wanted] = []
    if message.photo:
        # Telegram sends every size it made, smallest first: the largest within the limit.
        fitting = [p for p in message.photo if (p.file_size or 0) <= limit]
        best = (fitting or message.photo)[-1]
        name = f"photo_{message.message_id}.jpg"
        files.append(_Wanted(best.file_id, name, "image/jpeg", best.file_size))
    if message.document:
        doc = message.document
        name = doc.file_name or f"document_{message.message_id}"
        files.append(
            _Wanted(doc.file_id, name, doc.mime_type or "application/octet-stream", doc.file_size)
        )
    if message.voice:
        voice = message.voice
        name = f"voice_{message.message_id}.ogg"  # inbound_message finds it by this name
        files.append(_Wanted(voice.file_id, name, voice.mime_type or "audio/ogg", voice.file_size))
    return files


def _refuse_by_size(name: str, size: int | None) -> None:
    if (size or 0) > settings.KEFU_MAX_ATTACHMENT_BYTES:
        raise Unfetchable(attachments.too_large(name).message)
    if (size or 0) > GET_FILE_LIMIT:
        raise Unfetchable(
            _("%(name)s is larger than the 20 MB that Telegram lets bots download.")
            % {"name": name}
        )


async def _fetch(bot: Bot, wanted: _Wanted) -> InboundAttachment:
    _refuse_by_size(wanted.filename, wanted.size)
    try:
        found = await bot.get_file(wanted.file_id)
    except TelegramBadRequest as refused:
        # "file is too big" when Telegram's size was missing or wrong; an expired file id.
        raise Unfetchable(
            _("%(name)s could not be downloaded from Telegram (%(reason)s).")
            % {"name": wanted.filename, "reason": refused.message}
        ) from refused
    # The size getFile states is the one the download will have.
    _refuse_by_size(wanted.filename, found.file_size)
    if not found.file_path:
        raise Unfetchable(
            _("%(name)s could not be downloaded from Telegram (%(reason)s).")
            % {"name": wanted.filename, "reason": "no file_path"}
        )
    body = await bot.download_file(found.file_path)
    content = body.read(settings.KEFU_MAX_ATTACHMENT_BYTES + 1) if body else b""
    if len(content) > settings.KEFU_MAX_ATTACHMENT_BYTES:
        raise Unfetchable(attachments.too_large(wanted.filename).message)
    return InboundAttachment(
        filename=wanted.filename, content_type=wanted.content_type, content=content
    )


async def _fetch_all(token: str, files: list[_Wanted]) -> tuple[list[InboundAttachment], list[str]]:
    """The files fetched, and a note for each that could not be."""
    fetched: list[InboundAttachment] = []
    notes: list[str] = []
    async with open_bot(token) as bot:
        for wanted in files:
            try:
                fetched.append(await _fetch(bot, wanted))
            except Unfetchable as refused:
                notes.append(attachments.refused_note(str(refused)))
    return fetched, notes


async def inbound_message(
    token: str, inbox: Inbox, update_id: int, message: Message
) -> InboundMessage:
    """The customer's message, with its files fetched (network errors propagate, so the
    webhook answers an error and Telegram delivers the update again)."""
    files = _wanted(message)
    # The Bot API is opened only for files: setting up and closing its HTTP session costs
    # more than storing a text message does.
    fetched, notes = await _fetch_all(token, files) if files else ([], [])
    kept, refused_notes = attachments.accepted(fetched)
    language = language_of(message)
    parts = [message.text or message.caption or ""]
    voice_name = f"voice_{message.message_id}.ogg"
    for voice in (a for a in kept if message.voice and a.filename == voice_name):
        # A transcriber is CPU work or a network call, and no database work: off the event
        # loop, in a thread of its own rather than the one the ORM calls queue on.
        parts.append(
            await sync_to_async(transcript, thread_sensitive=False)(
                voice.content, voice.content_type, language
            )
        )
    user = message.from_user
    assert user is not None  # the receiver takes only messages a user sent
    return InboundMessage(
        inbox=inbox,
        text="\n\n".join(p for p in [*parts, *notes, *refused_notes] if p),
        identity_kind=IdentityKind.TELEGRAM,
        identity_value=str(user.id),
        contact_name=user.full_name,
        attachments=kept,
        external_id=f"update:{update_id}",
        language=language,
    )
