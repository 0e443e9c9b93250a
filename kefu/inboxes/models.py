from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEBCHAT = "webchat", _("Live chat")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Help center")
    API = "api", _("API")
    PHONE = "phone", _("Phone")
    TELEGRAM = "telegram", _("Telegram")
    WECHAT = "wechat", _("WeChat")
    MESSENGER = "messenger", _("Facebook Messenger")
    X = "x", _("X (Twitter)")
    WEIBO = "weibo", _("Weibo")


class Inbox(models.Model):
    """One entry point on one channel (a mailbox, a chat widget, an API integration)."""

    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    default_team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Channel-specific settings (an integration's webhook URL, a mailbox address …).
    config = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("inbox")
        verbose_name_plural = _("inboxes")

    def __str__(self) -> str:
        return self.name
