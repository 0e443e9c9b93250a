from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram.models import TelegramBot
from tests.inboxes.telegram import updates
from tests.inboxes.telegram.telegram_server import BOT, TOKEN, TelegramServer, serve


@pytest.fixture
def telegram(settings: Any) -> Iterator[TelegramServer]:
    for server in serve():
        settings.KEFU_TELEGRAM_API_URL = server.url
        yield server


@pytest.fixture
def bot(db: None, telegram: TelegramServer) -> TelegramBot:
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    return TelegramBot.objects.create(
        inbox=inbox,
        token=TOKEN,
        bot_id=BOT["id"],
        username=str(BOT["username"]),
        display_name=str(BOT["first_name"]),
    )


class Webhook:
    """Telegram, posting updates to the bot's webhook as it does (JSON, the secret header)."""

    def __init__(self, bot: TelegramBot) -> None:
        self.bot = bot
        self.client = Client()

    def post(self, update: dict[str, Any] | bytes, *, secret: str | None = None) -> Any:
        body = update if isinstance(update, bytes) else updates.encode(update)
        headers = {} if secret == "" else {
            "X-Telegram-Bot-Api-Secret-Token": self.bot.secret_token if secret is None else secret
        }  # fmt: skip
        return self.client.post(
            f"/telegram/{self.bot.inbox_id}/webhook/", body, content_type="application/json",
            headers=headers,
        )  # fmt: skip


@pytest.fixture
def webhook(bot: TelegramBot) -> Webhook:
    return Webhook(bot)
