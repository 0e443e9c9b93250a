"""Connecting a bot to an inbox, and what Telegram says about its webhook."""

from dataclasses import dataclass
from datetime import datetime

from aiogram.types import User, WebhookInfo
from asgiref.sync import async_to_sync
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.core.public_address import absolute_url
from kefu.inboxes.models import Inbox
from kefu.inboxes.telegram.bot_api import open_bot
from kefu.inboxes.telegram.models import TelegramBot, new_secret_token
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialKind

# Only messages: edits, reactions and channel posts are not customer requests, and every
# update Telegram does not send is one it cannot retry at us.
ALLOWED_UPDATES = ["message"]
# The admin page waits this long for getWebhookInfo before it shows the error instead.
HEALTH_TIMEOUT = 5


def webhook_url(inbox: Inbox) -> str:
    return absolute_url(reverse("telegram:webhook", args=[inbox.pk]))


async def _register(token: str, url: str, secret: str) -> User:
    async with open_bot(token) as bot:
        me = await bot.get_me()
        await bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        return me


def connect_bot(inbox: Inbox, token: str) -> TelegramBot:
    """Point the bot's webhook at `inbox` with a fresh secret, and list it as official.

    Telegram is told first: a token it refuses (aiogram's TelegramAPIError) stores nothing.
    A new secret on every connection means a leaked one stops working at the next one.
    """
    secret = new_secret_token()
    me = async_to_sync(_register)(token, webhook_url(inbox), secret)
    with transaction.atomic():
        bot, _created = TelegramBot.objects.update_or_create(
            inbox=inbox,
            defaults={
                "token": token,
                "secret_token": secret,
                "bot_id": me.id,
                "username": me.username or "",
                "display_name": me.full_name,
                "connected_at": timezone.now(),
            },
        )
        register_official(bot)
    return bot


def register_official(bot: TelegramBot) -> None:
    """List the bot's @handle on the verification page, under its display name."""
    if bot.username:
        register_official_channel(
            kind=OfficialKind.TELEGRAM, value=f"@{bot.username}", label=bot.display_name
        )


@dataclass(frozen=True)
class WebhookHealth:
    url_matches: bool
    url: str
    pending_update_count: int
    last_error_date: datetime | None
    last_error_message: str
    max_connections: int | None


async def _webhook_info(token: str) -> WebhookInfo:
    async with open_bot(token, timeout=HEALTH_TIMEOUT) as bot:
        return await bot.get_webhook_info(request_timeout=HEALTH_TIMEOUT)


def webhook_health(bot: TelegramBot) -> WebhookHealth:
    """getWebhookInfo, summed up for the admin; raises aiogram's errors when Telegram
    cannot be asked."""
    info = async_to_sync(_webhook_info)(bot.token)
    return WebhookHealth(
        url_matches=info.url == webhook_url(bot.inbox),
        url=info.url,
        pending_update_count=info.pending_update_count,
        last_error_date=info.last_error_date,
        last_error_message=info.last_error_message or "",
        max_connections=info.max_connections,
    )


async def _get_me(token: str) -> User:
    async with open_bot(token, timeout=HEALTH_TIMEOUT) as bot:
        return await bot.get_me(request_timeout=HEALTH_TIMEOUT)


def bot_user(token: str) -> User:
    """The bot the token belongs to (getMe); raises aiogram's errors for a refused token."""
    return async_to_sync(_get_me)(token)
