from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A bearer token for an integration. Only a hash is stored; the token is shown once."""

    name = models.CharField(max_length=100)
    # The first characters, stored in clear so an admin can tell tokens apart.
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.PROTECT, related_name="+")
    # The agent whose permissions the integration acts with (for replies, notes, status).
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
