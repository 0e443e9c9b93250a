from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficialKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("Email address")
    DOMAIN = "domain", _("Website domain")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X (Twitter)")
    WECHAT = "wechat", _("WeChat")
    FACEBOOK = "facebook", _("Facebook")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WEIBO = "weibo", _("Weibo")


class OfficialChannel(models.Model):
    """One official address of the company; the verification page answers from these rows."""

    kind = models.CharField(_("kind"), max_length=16, choices=OfficialKind.choices)
    # Stored in normal form (see safety.verification.normalize) so lookups are exact.
    value = models.CharField(_("value"), max_length=255)
    label = models.CharField(_("label"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("official channel")
        verbose_name_plural = _("official channels")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="official_channel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class SafetyAlert(models.Model):
    """Something a supervisor must look at: an exposed secret, a blocked agent reply, a
    customer approached by someone posing as support."""

    class Kind(models.TextChoices):
        SECRET_EXPOSED = "secret_exposed", _("A customer sent a secret")
        OUTBOUND_BLOCKED = "outbound_blocked", _("An agent reply was blocked")
        # The customer answered the survey's "did anyone contact you outside our
        # official channels about this case?" with yes (kefu.feedback).
        CONTACTED_OUTSIDE = (
            "contacted_outside",
            _("A customer was contacted outside official channels"),
        )
        # A community post held for a secret, or an official community answer the
        # outbound guard blocked: no conversation, `link` is the console page to look at.
        COMMUNITY_POST = "community_post", _("A community post was held")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Empty for an alert about something outside conversations (a community post).
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="safety_alerts",
    )
    # The console path to look at when there is no conversation.
    link = models.CharField(max_length=300, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kinds of secret or guard reasons: ids only, never the secret.
    reasons = models.JSONField(default=list)
    # A blocked reply as the agent wrote it, redacted (an agent may paste a customer's
    # phrase), so a supervisor can judge it; empty for an exposed secret, whose message
    # is only ever kept redacted in the conversation.
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("safety alert")
        verbose_name_plural = _("safety alerts")

    def __str__(self) -> str:
        return f"{self.kind} on {self.conversation_id or self.link}"
