"""WeChat accounts in Django's admin: secrets write-only, and what to paste into WeChat's
console (the server URL; the Token is the one typed here)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kefu.core.public_address import absolute_url
from kefu.core.secret_fields import secret_field
from kefu.inboxes.account_forms import ChannelAccountForm
from kefu.inboxes.models import Channel
from kefu.inboxes.wechat import actions
from kefu.inboxes.wechat.models import WeChatAccount


class WeChatAccountForm(ChannelAccountForm):
    channel = Channel.WECHAT
    secrets = ("app_secret", "token", "encoding_aes_key")
    # Without an EncodingAESKey the account is in plaintext mode.
    required_secrets = ("app_secret", "token")
    app_secret = secret_field(_("AppSecret"))
    token = secret_field(_("Token (the same as in WeChat's console)"))
    encoding_aes_key = secret_field(
        _("EncodingAESKey (safe mode; empty for plaintext mode)"), max_length=43
    )

    class Meta:
        model = WeChatAccount
        fields = [
            "inbox", "app_id", "app_secret", "token", "encoding_aes_key", "original_id",
            "display_name", "wechat_id",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        key = cleaned.get("encoding_aes_key", "")
        if key and len(key) != 43:
            self.add_error("encoding_aes_key", _("An EncodingAESKey has 43 characters."))
        return cleaned


@admin.register(WeChatAccount)
class WeChatAccountAdmin(admin.ModelAdmin[WeChatAccount]):
    form = WeChatAccountForm
    list_display = ("display_name", "wechat_id", "original_id", "app_id", "safe_mode")
    readonly_fields = ("server_url",)

    @admin.display(description=_("server URL for WeChat's console"))
    def server_url(self, account: WeChatAccount) -> str:
        if not account.pk:
            return str(_("Shown once the account is saved."))
        return absolute_url(reverse("wechat:webhook", args=[account.inbox_id]))

    def save_model(self, request: HttpRequest, obj: WeChatAccount, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = actions.save_account(
            inbox=data["inbox"],
            app_id=data["app_id"],
            app_secret=data["app_secret"],
            token=data["token"],
            original_id=data["original_id"],
            display_name=data["display_name"],
            wechat_id=data["wechat_id"],
            encoding_aes_key=data["encoding_aes_key"],
        )
        obj.pk = saved.pk
