from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.inboxes.models import Inbox


class WeiboAccount(models.Model):
    """A verified Weibo account (粉丝服务平台, developer mode) answered by one inbox.

    app_secret and access_token are secrets: masked in the admin, never logged.
    """

    inbox = models.OneToOneField(Inbox, on_delete=models.CASCADE, related_name="weibo_account")
    # The account's numeric uid: the receiver_id of every message pushed to it, and the
    # value that verifies (weibo.com/u/<uid>); a screen name can be changed or copied.
    uid = models.CharField(_("UID"), max_length=20, unique=True)
    screen_name = models.CharField(_("screen name"), max_length=100)
    # The app whose key was typed into 粉丝服务 → 高级功能 → 开发模式: Weibo signs every
    # push with that app's secret.
    app_key = models.CharField(_("App Key"), max_length=32)
    app_secret = models.CharField(_("App Secret"), max_length=64)
    # Shown on the same developer-mode page; long-lived, so it is stored, not refreshed.
    access_token = models.CharField(_("access token"), max_length=128)

    class Meta:
        verbose_name = _("Weibo account")
        verbose_name_plural = _("Weibo accounts")

    def __str__(self) -> str:
        return self.screen_name
