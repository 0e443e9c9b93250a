"""Facebook pages in Django's admin: secrets write-only, what to paste into Meta's app
dashboard (the callback URL and the verify token), and the app subscribed to the page."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.core.secret_fields import keep_saved_secrets, secret_field
from kefu.inboxes.messenger import actions
from kefu.inboxes.messenger.graph import GraphError
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.models import Channel, Inbox

# Write-only (kefu.core.secret_fields).
_SECRETS = ("app_secret", "page_access_token")


class FacebookPageForm(forms.ModelForm[FacebookPage]):
    app_secret = secret_field(_("app secret (Meta app dashboard → Settings → Basic)"))
    page_access_token = secret_field(_("page access token"), max_length=512)

    class Meta:
        model = FacebookPage
        fields = ["inbox", "page_id", "name", "username", "app_secret", "page_access_token"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inbox = self.fields["inbox"]
        assert isinstance(inbox, forms.ModelChoiceField)
        inbox.queryset = Inbox.objects.filter(channel=Channel.MESSENGER)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keep_saved_secrets(self, cleaned, _SECRETS)
        for name in _SECRETS:
            if not cleaned.get(name):
                self.add_error(name, _("This field is required."))
        return cleaned


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
