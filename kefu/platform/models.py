"""Sample back-end records for the demo connector (a real deployment has its own back end)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.platform.connector import AccountState, TransferKind, TransferStatus


class DemoAccount(models.Model):
    user_id = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        max_length=16, choices=[(s.value, s.value) for s in AccountState], default="active"
    )
    # A reason code (kefu.platform.reasons) and its parameters, as a real back end sends.
    reason = models.CharField(max_length=64, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    state_since = models.DateTimeField(null=True, blank=True)
    # The registered contacts codes and notices go to, and what only the customer knows.
    registered_name = models.CharField(max_length=128, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    two_factor_enabled = models.BooleanField(default=True)
    user_lock_until = models.DateTimeField(null=True, blank=True)
    last_security_change_at = models.DateTimeField(null=True, blank=True)
    withdrawals_locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demo account")
        verbose_name_plural = _("demo accounts")

    def __str__(self) -> str:
        return self.user_id


class DemoTransfer(models.Model):
    account = models.ForeignKey(DemoAccount, on_delete=models.CASCADE, related_name="transfers")
    reference = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in TransferKind])
    asset = models.CharField(max_length=16)
    amount = models.DecimalField(max_digits=30, decimal_places=8)
    network = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=[(s.value, s.value) for s in TransferStatus])
    address = models.CharField(max_length=128, blank=True)
    tx_hash = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demo transfer")
        verbose_name_plural = _("demo transfers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference


class DemoLogin(models.Model):
    account = models.ForeignKey(DemoAccount, on_delete=models.CASCADE, related_name="logins")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField()
    device = models.CharField(max_length=128)
    location = models.CharField(max_length=128)
    succeeded = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("demo sign-in")
        verbose_name_plural = _("demo sign-ins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.account_id} {self.at:%Y-%m-%d %H:%M}"


class DemoChallenge(models.Model):
    """A one-time code the demo back end "sent" (it lands in DemoNotice, the outbox)."""

    challenge_id = models.CharField(max_length=32, unique=True)
    account = models.ForeignKey(DemoAccount, on_delete=models.CASCADE, related_name="challenges")
    channel = models.CharField(max_length=8)
    code = models.CharField(max_length=12)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("demo code")
        verbose_name_plural = _("demo codes")

    def __str__(self) -> str:
        return self.challenge_id


class DemoNotice(models.Model):
    """What the demo back end would have emailed or texted: read it in the admin."""

    account = models.ForeignKey(DemoAccount, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=8)
    destination = models.CharField(max_length=254)
    template = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo notice sent")
        verbose_name_plural = _("demo notices sent")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} → {self.destination}"


class DemoIdempotency(models.Model):
    """A change the demo back end already did for this key, and what it answered."""

    key = models.CharField(max_length=128, unique=True)
    fingerprint = models.CharField(max_length=64)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo idempotency key")
        verbose_name_plural = _("demo idempotency keys")

    def __str__(self) -> str:
        return self.key
