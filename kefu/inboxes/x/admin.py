"""X accounts in Django's admin: keys write-only, the webhook URL to register at X, and a
check of the keys against X (GET /2/users/me)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from kefu.core.public_address import absolute_url
from kefu.core.secret_fields import secret_field
from kefu.inboxes.account_forms import ChannelAccountForm
from kefu.inboxes.models import Channel
from kefu.inboxes.x import actions
from kefu.inboxes.x.models import XAccount
from kefu.inboxes.x.platform import XError


class XAccountForm(ChannelAccountForm):
    channel = Channel.X
    secrets = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    consumer_key = secret_field(_("API key (consumer key)"), max_length=100)
    consumer_secret = secret_field(_("API key secret (consumer secret)"), max_length=100)
    access_token = secret_field(_("access token"), max_length=100)
    access_token_secret = secret_field(_("access token secret"), max_length=100)

    class Meta:
        model = XAccount
        fields = [
            "inbox", "user_id", "username", "display_name", "consumer_key", "consumer_secret",
            "access_token", "access_token_secret", "api_access", "webhook_id",
        ]  # fmt: skip


@admin.register(XAccount)
class XAccountAdmin(admin.ModelAdmin[XAccount]):
    form = XAccountForm
    list_display = ("__str__", "display_name", "user_id", "inbox", "api_access")
    readonly_fields = ("webhook_url", "credentials")

    @admin.display(description=_("webhook URL to register at X"))
    def webhook_url(self, account: XAccount) -> str:
        if not account.pk:
            return str(_("Shown once the account is saved."))
        return absolute_url(reverse("x:webhook", args=[account.inbox_id]))

    @admin.display(description=_("credentials"))
    def credentials(self, account: XAccount) -> SafeString:
        if not account.pk or not account.api_access:
            return format_html("{}", "–")
        try:
            username = actions.check_credentials(account)
        except XError as failed:
            return format_html(
                '<span class="errornote">{}</span>',
                _("X refused the keys: %(error)s") % {"error": failed},
            )
        if username.lower() != account.username.lower():
            return format_html(
                '<span class="errornote">{}</span>',
                _("The keys belong to @%(other)s, not to this account.") % {"other": username},
            )
        return format_html("{}", _("X accepts the keys of @%(name)s.") % {"name": username})

    def save_model(self, request: HttpRequest, obj: XAccount, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = actions.save_account(
            inbox=data["inbox"],
            user_id=data["user_id"],
            username=data["username"],
            display_name=data["display_name"],
            consumer_key=data["consumer_key"],
            consumer_secret=data["consumer_secret"],
            access_token=data["access_token"],
            access_token_secret=data["access_token_secret"],
            api_access=data["api_access"],
            webhook_id=data["webhook_id"],
        )
        obj.pk = saved.pk
