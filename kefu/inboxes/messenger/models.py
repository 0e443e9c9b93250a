"""A Facebook page answered by one inbox: its Messenger conversations and its comments."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


def new_verify_token() -> str:
    return secrets.token_urlsafe(32)


class FacebookPage(models.Model):
    """app_secret and page_access_token are secrets: write-only in the admin, never logged."""

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="facebook_page")
    page_id = models.CharField(_("page ID"), max_length=32, unique=True)
    name = models.CharField(_("page name"), max_length=100)
    # The page's @username (facebook.com/<username>), listed as official; may be empty.
    username = models.CharField(_("page username"), max_length=100, blank=True)
    # Signs every webhook request (X-Hub-Signature-256: HMAC-SHA256 of the raw body).
    app_secret = models.CharField(_("app secret"), max_length=64)
    # A long-lived page access token: sends messages, hides comments.
    page_access_token = models.CharField(_("page access token"), max_length=512)
    # Facebook repeats it when it checks the callback URL (hub.verify_token).
    verify_token = models.CharField(_("verify token"), max_length=64, default=new_verify_token)

    class Meta:
        verbose_name = _("Facebook page")
        verbose_name_plural = _("Facebook pages")

    def __str__(self) -> str:
        return self.name
