"""A Telegram bot that answers on an inbox: its token and the secret Telegram signs with."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


def new_secret_token() -> str:
    """A webhook secret in the alphabet Telegram allows ([A-Za-z0-9_-], 1-256 characters);
    token_urlsafe's alphabet is exactly that one."""
    return secrets.token_urlsafe(48)


class TelegramBot(models.Model):
    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="telegram_bot")
    # The bot's password at Telegram: never logged, never shown whole.
    token = models.CharField(_("bot token"), max_length=100)
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token with every update, which is
    # how a request to our webhook proves it came from Telegram.
    secret_token = models.CharField(max_length=256, default=new_secret_token)
    # From getMe, when the bot was connected.
    bot_id = models.BigIntegerField(_("bot id"), null=True, blank=True)
    username = models.CharField(_("username"), max_length=64, blank=True)
    display_name = models.CharField(_("display name"), max_length=128, blank=True)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bots")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else f"bot of {self.inbox}"

    @property
    def masked_token(self) -> str:
        """The bot id part and the last characters: enough to tell two tokens apart."""
        left, _sep, right = self.token.partition(":")
        return f"{left}:…{right[-4:]}" if right else "…"
