"""The bot's stored secrets: the webhook secret's alphabet, the token never shown whole."""

import re

from kefu.inboxes.telegram.models import TelegramBot, new_secret_token


def test_the_webhook_secret_uses_only_the_characters_telegram_allows() -> None:
    secrets = {new_secret_token() for _ in range(50)}
    assert len(secrets) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,256}", s) for s in secrets)


def test_the_masked_token_keeps_the_bot_id_and_hides_the_secret_part() -> None:
    bot = TelegramBot(token="123456789:AAFakeTokenForTestsOnly_abcdefghijk")
    assert bot.masked_token == "123456789:…hijk"
    assert "AAFake" not in bot.masked_token
