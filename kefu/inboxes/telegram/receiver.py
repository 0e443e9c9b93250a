"""Telegram's webhook: one async view per bot (/telegram/<inbox id>/webhook/).

aiogram is async-only, so the view is too: file downloads and the transcriber wait
without holding a thread, the ORM is reached through its async API, and the one write,
receive_message, runs in the sync pool (sync_to_async) as Django requires.

Telegram retries an update until it gets a 2xx; so a request we will never take (an
edit, a group message, a command we do not handle) is answered 200 and dropped, and a
request we could not finish (a download failed) is answered 5xx so it comes again —
update_id makes the second delivery of a stored one a no-op.
"""

import hmac
import logging

import aiohttp
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message, Update
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from kefu.contacts import link_commands
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.core.errors import MessageRejected
from kefu.core.languages import in_language, to_django
from kefu.inboxes.telegram.inbound import inbound_message, language_of
from kefu.inboxes.telegram.models import TelegramBot
from kefu.safety.exposure import SAFETY_LINE

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _error(status: int, code: str) -> JsonResponse:
    # A short code, never the body back: the request may carry a customer's secret.
    return JsonResponse({"error": code}, status=status)


def greeting(bot: TelegramBot, message: Message) -> str:
    def text() -> str:
        hello = _(
            "Hello, this is %(name)s customer support. Write your question here and an "
            "agent will answer you in this chat."
        ) % {"name": bot.display_name or bot.inbox.name}
        return f"{hello}\n\n{SAFETY_LINE}"

    return in_language(language_of(message), text)


def _greet(bot: TelegramBot, message: Message) -> JsonResponse:
    """/start, answered in the webhook's response as a Bot API call.

    Telegram makes the call itself on our behalf: no second request from us, no token on
    the request path, and the greeting is not a message of any conversation (the user has
    not asked anything yet), so nothing is stored.
    """
    return JsonResponse(
        {"method": "sendMessage", "chat_id": message.chat.id, "text": greeting(bot, message)}
    )


async def _link_answer(message: Message) -> str | None:
    """The reply to a link command (kefu.contacts.link_commands), None for any other text.

    Its one small write (the code's hash on the link request) runs in the sync pool; any
    other text is told apart here, without the hop to the pool.
    """
    text = message.text or ""
    if message.from_user is None or link_commands.token_in(text) is None:
        return None
    with translation.override(to_django(language_of(message))):
        return await sync_to_async(link_commands.answer)(
            IdentityKind.TELEGRAM, str(message.from_user.id), text
        )


def _is_start(message: Message) -> bool:
    # "/start", "/start <deep-link payload>", "/start@OurBot".
    command = (message.text or "").split(maxsplit=1)[:1]
    return bool(command) and command[0].partition("@")[0] == "/start"


@csrf_exempt
@require_POST
async def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    bot = await TelegramBot.objects.select_related("inbox").filter(inbox_id=inbox_id).afirst()
    if bot is None:
        return _error(404, "unknown_bot")
    secret = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(secret.encode(), bot.secret_token.encode()):
        logger.warning("telegram webhook of inbox %s: wrong secret token", inbox_id)
        return _error(403, "forbidden")
    try:
        update = Update.model_validate_json(request.body)
    except (ValidationError, ValueError):
        return _error(400, "malformed_update")
    message = update.message
    if message is None or message.chat.type != "private" or message.from_user is None:
        logger.info("telegram update %s ignored: not a private message", update.update_id)
        return HttpResponse(status=200)
    linked = await _link_answer(message)
    if linked is not None:
        # Answered like /start, in the webhook's response: the command and the reply
        # (which holds the code) are messages of no conversation, so nothing is stored.
        return JsonResponse({"method": "sendMessage", "chat_id": message.chat.id, "text": linked})
    if _is_start(message):
        return _greet(bot, message)
    try:
        # The notes for refused files are read by agents and customer alike: the user's language.
        with translation.override(to_django(language_of(message))):
            inbound = await inbound_message(bot.token, bot.inbox, update.update_id, message)
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as failed:
        # Telegram down, or refusing the bot's own token (revoked since): the update is
        # kept at Telegram, which delivers it again, rather than stored without its file.
        logger.warning("telegram update %s: file download failed: %s", update.update_id, failed)
        return _error(503, "try_again")
    try:
        await sync_to_async(receive_message)(inbound)
    except MessageRejected as rejected:
        # Telegram would send it again and again; the reason is ours to fix, not the user's.
        logger.warning("telegram update %s rejected: %s", update.update_id, rejected)
    return HttpResponse(status=200)
