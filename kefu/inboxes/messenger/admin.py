"""Facebook pages in Django's admin: secrets write-only, what to paste into Meta's app
dashboard (the callback URL and the verify token), and the app subscribed to the page."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.core.secret_fields import secret_field
from kefu.inboxes.account_forms import ChannelAccountForm
from kefu.inboxes.messenger import actions
from kefu.inboxes.messenger.graph import GraphError
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel


class FacebookPageForm(ChannelAccountForm):
    channel = Channel.MESSENGER
    secrets = ("app_secret", "page_access_token")
    app_secret = secret_field(_("app secret (Meta app dashboard → Settings → Basic)"))
    page_access_token = secret_field(_("page access token"), max_length=512)

    class Meta:
        model = FacebookPage
        fields = ["inbox", "page_id", "name", "username", "app_secret", "page_access_token"]


@admin.register(FacebookPage)
class FacebookPageAdmin(admin.ModelAdmin[FacebookPage]):
    form = FacebookPageForm
    list_display = ("name", "username", "page_id", "inbox")
    readonly_fields = ("callback_url", "verify_token")

    @admin.display(description=_("callback URL for Meta's app dashboard"))
    def callback_url(self, page: FacebookPage) -> str:
        if not page.pk:
            return str(_("Shown once the page is saved."))
        return actions.webhook_url(page.inbox)

    def save_model(self, request: HttpRequest, obj: FacebookPage, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = actions.save_page(
            inbox=data["inbox"],
            page_id=data["page_id"],
            name=data["name"],
            username=data["username"],
            app_secret=data["app_secret"],
            page_access_token=data["page_access_token"],
        )
        obj.pk = saved.pk
        try:
            actions.subscribe(saved)
        except GraphError as failed:
            self.message_user(
                request,
                _(
                    "The page is saved, but Facebook refused to send its messages to Kefu: "
                    "%(error)s. Check the page access token and save again."
                )
                % {"error": failed},
                messages.ERROR,
            )
