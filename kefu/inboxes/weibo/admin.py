"""Weibo accounts in Django's admin: secrets write-only, and the push URL to paste into
粉丝服务 → 高级功能 → 开发模式."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kefu.core.public_address import absolute_url
from kefu.core.secret_fields import secret_field
from kefu.inboxes.account_forms import ChannelAccountForm
from kefu.inboxes.models import Channel
from kefu.inboxes.weibo import actions
from kefu.inboxes.weibo.models import WeiboAccount


class WeiboAccountForm(ChannelAccountForm):
    channel = Channel.WEIBO
    secrets = ("app_secret", "access_token")
    app_secret = secret_field(_("App Secret (of the app whose key is in developer mode)"))
    access_token = secret_field(
        _("Access token (shown on the developer mode page)"), max_length=128
    )

    class Meta:
        model = WeiboAccount
        fields = ["inbox", "uid", "screen_name", "app_key", "app_secret", "access_token"]

    def clean_uid(self) -> str:
        uid = str(self.cleaned_data.get("uid", "")).strip()
        if not uid.isdigit():
            raise forms.ValidationError(_("A Weibo uid is a number (weibo.com/u/<uid>)."))
        return uid


@admin.register(WeiboAccount)
class WeiboAccountAdmin(admin.ModelAdmin[WeiboAccount]):
    form = WeiboAccountForm
    list_display = ("screen_name", "uid", "app_key")
    readonly_fields = ("push_url",)

    @admin.display(description=_("URL for Weibo's developer mode"))
    def push_url(self, account: WeiboAccount) -> str:
        if not account.pk:
            return str(_("Shown once the account is saved."))
        return absolute_url(reverse("weibo:webhook", args=[account.inbox_id]))

    def save_model(self, request: HttpRequest, obj: WeiboAccount, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = actions.save_account(
            inbox=data["inbox"],
            uid=data["uid"],
            screen_name=data["screen_name"],
            app_key=data["app_key"],
            app_secret=data["app_secret"],
            access_token=data["access_token"],
        )
        obj.pk = saved.pk
