from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.languages import Language


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    PLATFORM_USER = "platform_user", _("Platform user id")
    TELEGRAM = "telegram", _("Telegram")
    WECHAT = "wechat", _("WeChat")
    WEBCHAT = "webchat", _("Website visitor")
    # A page-scoped id (PSID): the same person has another one on another Facebook page.
    MESSENGER = "messenger", _("Facebook Messenger")
    # The numeric user id: a handle can be renamed, the id cannot.
    X = "x", _("X (Twitter)")
    WEIBO = "weibo", _("Weibo")


class Contact(models.Model):
    """A customer, however many channels they reach us on."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    # Shown in every email we send, so the customer can tell our mail from a phisher's.
    anti_phishing_code = models.CharField(_("anti-phishing code"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The address a customer who gave no name is shown by (a chat visitor who left an
    # email): the first email identity, copied here by the action that adds it so that
    # no list of conversations reads identities for its labels.
    email = models.CharField(_("email"), max_length=255, blank=True)
    # A merged contact stays as a tombstone so that old links and audit rows resolve.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_contacts"
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return self.name or self.email or str(_("Customer #%(id)s") % {"id": self.pk})


class ContactIdentity(models.Model):
    """One address of a contact on one channel; an address belongs to one contact."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=255)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the channel said this address can no longer be written to (a Telegram user
    # who blocked the bot): replies on it are refused until the customer writes again.
    unreachable_since = models.DateTimeField(_("unreachable since"), null=True, blank=True)
    unreachable_reason = models.CharField(_("why unreachable"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact identity")
        verbose_name_plural = _("contact identities")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="contact_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class SignInCode(models.Model):
    """A one-time portal sign-in code (typed) and link (clicked) sent to an email address.

    Only hashes are stored, so a database reader cannot sign in as a customer.
    """

    email = models.CharField(max_length=255, db_index=True)
    code_hash = models.CharField(max_length=128)
    link_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self) -> str:
        return f"sign-in code for {self.email}"


class LinkRequest(models.Model):
    """A customer's request, from the portal, to link one of their messaging accounts.

    The portal shows a short request token; the customer sends it from the channel, which
    answers there with a 6-digit code (claim_link), and the code typed back in the portal
    moves the identity to the contact (confirm_link). Only hashes of the token and the code
    are stored, so a database reader can link nothing.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="link_requests")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    token_hash = models.CharField(max_length=128, unique=True)
    # Set by the claim from the channel; a new claim replaces both.
    code_hash = models.CharField(max_length=128, blank=True)
    identity_value = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link request")
        verbose_name_plural = _("link requests")
        indexes = [models.Index(fields=["contact", "used_at"], name="link_request_pending")]

    def __str__(self) -> str:
        return f"link request of contact {self.contact_id} for {self.kind}"
