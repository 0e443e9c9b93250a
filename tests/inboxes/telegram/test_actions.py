"""Connecting a bot (getMe, setWebhook, the official registry) and its webhook's health."""

import json

import pytest
from aiogram.exceptions import TelegramUnauthorizedError

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram import actions
from kefu.inboxes.telegram.models import TelegramBot
from kefu.safety.models import OfficialChannel
from tests.inboxes.telegram.telegram_server import TOKEN, TelegramServer, fields, ok

pytestmark = pytest.mark.django_db


@pytest.fixture
def telegram_inbox() -> Inbox:
    return Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)


def test_connect_bot_sets_the_webhook_with_a_secret_and_lists_the_handle_as_official(
    telegram: TelegramServer, telegram_inbox: Inbox
) -> None:
    bot = actions.connect_bot(telegram_inbox, TOKEN)
    assert (bot.bot_id, bot.username, bot.display_name) == (
        123456789,
        "KefuHelpBot",
        "Kefu Support",
    )
    [call] = [fields(r) for r in telegram.sent("setWebhook")]
    assert call["url"] == f"http://127.0.0.1:8000/telegram/{telegram_inbox.pk}/webhook/"
    assert call["secret_token"] == bot.secret_token
    assert json.loads(call["allowed_updates"]) == ["message"]
    official = OfficialChannel.objects.get(kind="telegram")
    assert (official.value.lower(), official.label) == ("kefuhelpbot", "Kefu Support")


def test_reconnecting_changes_the_secret(telegram: TelegramServer, telegram_inbox: Inbox) -> None:
    first = actions.connect_bot(telegram_inbox, TOKEN).secret_token
    second = actions.connect_bot(telegram_inbox, TOKEN).secret_token
    assert first != second
    assert TelegramBot.objects.count() == 1


def test_a_refused_token_stores_nothing(telegram: TelegramServer, telegram_inbox: Inbox) -> None:
    with pytest.raises(TelegramUnauthorizedError):
        actions.connect_bot(telegram_inbox, "999:not-a-bot-we-know")
    assert not TelegramBot.objects.exists()
    assert not OfficialChannel.objects.exists()


def test_webhook_health_says_whether_telegram_posts_to_us(
    telegram: TelegramServer, bot: TelegramBot
) -> None:
    info = {
        "url": actions.webhook_url(bot.inbox),
        "has_custom_certificate": False,
        "pending_update_count": 4,
        "last_error_date": 1_780_000_000,
        "last_error_message": "Connection timed out",
        "max_connections": 40,
    }
    telegram.replies["/bot" + TOKEN + "/getWebhookInfo"] = [ok(info)]
    health = actions.webhook_health(bot)
    assert health.url_matches
    assert health.pending_update_count == 4
    assert health.last_error_message == "Connection timed out"
    assert health.max_connections == 40


def test_webhook_health_notices_a_webhook_pointing_elsewhere(
    telegram: TelegramServer, bot: TelegramBot
) -> None:
    info = {"url": "https://evil.example/hook", "has_custom_certificate": False,
            "pending_update_count": 0}  # fmt: skip
    telegram.replies["/bot" + TOKEN + "/getWebhookInfo"] = [ok(info)]
    assert not actions.webhook_health(bot).url_matches
