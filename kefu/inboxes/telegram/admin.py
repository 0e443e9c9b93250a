"""Telegram bots in Django's admin: connect one, see whether Telegram reaches its webhook."""

from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.utils.token import TokenValidationError
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kefu.core.secret_fields import secret_field
from kefu.inboxes.telegram import actions
from kefu.inboxes.telegram.models import TelegramBot

# What can go wrong asking Telegram: it refused, it was unreachable, the token is malformed.
_API_ERRORS = (TelegramAPIError, TokenValidationError)


class TelegramBotForm(forms.ModelForm[TelegramBot]):
    token = secret_field(
        _("bot token"),
        max_length=100,
        help_text=_("From @BotFather. Leave empty to keep the saved token."),
    )

    class Meta:
        model = TelegramBot
        fields = ["inbox", "token"]

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"] or (self.instance.token if self.instance.pk else "")
        if not token:
            raise forms.ValidationError(_("Enter the bot token."))
        try:
            actions.bot_user(token)
        except _API_ERRORS as refused:
            raise forms.ValidationError(
                _("Telegram did not accept this token: %(reason)s"), params={"reason": refused}
            ) from refused
        return token


@admin.action(description=_("Connect / re-register the webhook"))
def reconnect(
    modeladmin: "TelegramBotAdmin", request: HttpRequest, bots: QuerySet[TelegramBot]
) -> None:
    for bot in bots.select_related("inbox"):
        try:
            actions.connect_bot(bot.inbox, bot.token)
        except _API_ERRORS as failed:
            modeladmin.message_user(request, f"{bot}: {failed}", messages.ERROR)
        else:
            modeladmin.message_user(request, _("%(bot)s is connected.") % {"bot": bot})


@admin.register(TelegramBot)
class TelegramBotAdmin(admin.ModelAdmin[TelegramBot]):
    form = TelegramBotForm
    list_display = ["__str__", "inbox", "display_name", "masked_token", "connected_at"]
    readonly_fields = [
        "masked_token", "bot_id", "username", "display_name", "connected_at", "webhook_health",
    ]  # fmt: skip
    actions = [reconnect]

    def save_model(self, request: HttpRequest, obj: TelegramBot, form: Any, change: bool) -> None:
        # Connecting is the write: it registers the webhook and the official handle too.
        connected = actions.connect_bot(form.cleaned_data["inbox"], form.cleaned_data["token"])
        obj.pk = connected.pk

    @admin.display(description=_("webhook health"))
    def webhook_health(self, bot: TelegramBot) -> SafeString:
        if not bot.pk:
            return format_html("{}", "–")
        try:
            health = actions.webhook_health(bot)
        except _API_ERRORS as failed:
            return format_html(
                '<span class="errornote">{}</span>',
                _("Telegram could not be asked: %(error)s") % {"error": failed},
            )
        return format_html(
            "{}: {} · {}: {} · {}: {} · {}: {} {}",
            _("URL is ours") if health.url_matches else _("URL is NOT ours"),
            health.url or "–",
            _("pending updates"),
            health.pending_update_count,
            _("max connections"),
            health.max_connections if health.max_connections is not None else "–",
            _("last error"),
            health.last_error_date or "–",
            health.last_error_message,
        )
