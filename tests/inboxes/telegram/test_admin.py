"""The Telegram bot admin: the token write-only, the webhook's health, reconnecting."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram.models import TelegramBot
from tests.conftest import verified_client
from tests.inboxes.telegram.telegram_server import TOKEN, TelegramServer, error, fields

pytestmark = pytest.mark.django_db

URL = "/admin/telegram/telegrambot/"


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


def test_adding_a_bot_connects_it(admin_client: Client, telegram: TelegramServer) -> None:
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    response = admin_client.post(f"{URL}add/", {"inbox": inbox.pk, "token": TOKEN})
    assert response.status_code == 302
    bot = TelegramBot.objects.get()
    assert bot.username == "KefuHelpBot"
    assert fields(telegram.sent("setWebhook")[0])["secret_token"] == bot.secret_token


def test_a_token_telegram_refuses_is_a_form_error(
    admin_client: Client, telegram: TelegramServer
) -> None:
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    response = admin_client.post(f"{URL}add/", {"inbox": inbox.pk, "token": "42:unknown"})
    assert response.status_code == 200
    assert b"Telegram did not accept this token" in response.content
    assert not TelegramBot.objects.exists()


def test_the_change_page_masks_the_token_and_shows_the_webhook_health(
    admin_client: Client, telegram: TelegramServer, bot: TelegramBot
) -> None:
    info = {
        "url": "https://elsewhere.example/",
        "has_custom_certificate": False,
        "pending_update_count": 17,
        "last_error_message": "Wrong response from the webhook: 500",
    }
    telegram.reply(f"/bot{TOKEN}/getWebhookInfo", 200, {"ok": True, "result": info})
    page = admin_client.get(f"{URL}{bot.pk}/change/").content.decode()
    assert TOKEN not in page
    assert bot.masked_token in page
    assert "URL is NOT ours" in page
    assert "17" in page
    assert "Wrong response from the webhook: 500" in page


def test_the_change_page_survives_an_api_error(
    admin_client: Client, telegram: TelegramServer, bot: TelegramBot
) -> None:
    telegram.reply(f"/bot{TOKEN}/getWebhookInfo", 502, error(502, "Bad Gateway"))
    response = admin_client.get(f"{URL}{bot.pk}/change/")
    assert response.status_code == 200
    assert "Telegram could not be asked" in response.content.decode()


def test_the_reconnect_action_registers_the_webhook_again(
    admin_client: Client, telegram: TelegramServer, bot: TelegramBot
) -> None:
    old_secret = bot.secret_token
    response = admin_client.post(URL, {"action": "reconnect", "_selected_action": [bot.pk]})
    assert response.status_code == 302
    bot.refresh_from_db()
    assert bot.secret_token != old_secret
    assert len(telegram.sent("setWebhook")) == 1
