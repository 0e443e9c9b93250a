from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


class WeChatAccount(models.Model):
    """A WeChat Official Account answered by one inbox.

    app_secret, token and encoding_aes_key are secrets: masked in the admin, never logged.
    """

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="wechat_account")
    app_id = models.CharField(_("AppID"), max_length=32, unique=True)
    app_secret = models.CharField(_("AppSecret"), max_length=64)
    # The Token typed into WeChat's console: WeChat signs every request with it.
    token = models.CharField(_("token"), max_length=64)
    # Safe mode (message encryption) is on when a 43-character EncodingAESKey is set.
    encoding_aes_key = models.CharField(_("EncodingAESKey"), max_length=43, blank=True)
    # The account's original id (gh_…): the ToUserName of every message sent to it.
    original_id = models.CharField(_("original ID"), max_length=64, unique=True)
    display_name = models.CharField(_("display name"), max_length=100)
    wechat_id = models.CharField(_("WeChat ID"), max_length=64, blank=True)
    # Written by every token refresh: the UPDATE is the lock that keeps two workers from
    # refreshing at once (tokens.py).
    token_locked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("WeChat account")
        verbose_name_plural = _("WeChat accounts")

    def __str__(self) -> str:
        return self.display_name

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)
