"""An X account whose direct messages one inbox answers, and the app keys that reach it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


class XAccount(models.Model):
    """The account (its numeric user id, which never changes) and the X app's keys.

    consumer_secret signs the CRC answer and every webhook POST; access_token and
    access_token_secret are the account's OAuth 1.0a user context for sending DMs.
    All four keys are secrets: write-only in the admin, never logged.
    """

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="x_account")
    # The numeric id (for_user_id in every webhook): a handle can be renamed, this cannot.
    user_id = models.CharField(_("user ID"), max_length=32, unique=True)
    username = models.CharField(_("username (without @)"), max_length=15)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    consumer_key = models.CharField(_("API key (consumer key)"), max_length=100)
    consumer_secret = models.CharField(_("API key secret (consumer secret)"), max_length=100)
    access_token = models.CharField(_("access token"), max_length=100)
    access_token_secret = models.CharField(_("access token secret"), max_length=100)
    # Off when the account has no paid API access: nothing is sent through X and the
    # inbox is switched off, so the reply window offers the customer's other channels.
    api_access = models.BooleanField(
        _("API access"),
        default=True,
        help_text=_("Turn off when the account has no X API access: no reply is sent to X."),
    )
    # From X's webhook registration, for the administrator's reference.
    webhook_id = models.CharField(_("webhook ID"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("X account")
        verbose_name_plural = _("X accounts")

    def __str__(self) -> str:
        return f"@{self.username}"
