"""Verification cases: the checks before a sensitive account change, and who decided it.

One case per sensitive request, on the conversation it came from. The agent who gathers
the checks proposes; a different agent of the policy's role approves or rejects; after
a cool-down (during which the customer's *old* registered contacts hold a cancel link)
the platform executes the change through the connector. See docs/architecture.md,
"Verification".
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.agents.models import Role
from kefu.platform.connector import ChangeKind


class CaseKind(models.TextChoices):
    UNLOCK = ChangeKind.UNLOCK, _("Unlock the account")
    UNFREEZE = ChangeKind.UNFREEZE, _("Unfreeze the account")
    RESET_2FA = ChangeKind.RESET_2FA, _("Reset two-factor authentication")
    CHANGE_EMAIL = ChangeKind.CHANGE_EMAIL, _("Change the registered email")
    CHANGE_PHONE = ChangeKind.CHANGE_PHONE, _("Change the registered phone")
    CHANGE_PERSONAL_INFO = ChangeKind.CHANGE_PERSONAL_INFO, _("Change personal information")
    RECOVER_ACCOUNT = ChangeKind.RECOVER_ACCOUNT, _("Recover a stolen account")


class CheckKind(models.TextChoices):
    EMAIL_CODE = "email_code", _("Code sent to the registered email")
    PHONE_CODE = "phone_code", _("Code sent to the registered phone")
    KNOWLEDGE = "knowledge", _("Questions about the account")
    ID_DOCUMENT = "id_document", _("Identity document")
    SELFIE = "selfie", _("Selfie holding the document")
    PLATFORM_STATE = "platform_state", _("Account security state")


class CaseState(models.TextChoices):
    OPEN = "open", _("Gathering checks")
    PROPOSED = "proposed", _("Awaiting a second approver")
    APPROVED = "approved", _("Approved, waiting out the cool-down")
    EXECUTING = "executing", _("Being carried out")
    EXECUTED = "executed", _("Done")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("The platform refused the change")


# States in which the case still holds its conversation and can change.
ACTIVE_STATES = frozenset({CaseState.OPEN, CaseState.PROPOSED, CaseState.APPROVED,
                           CaseState.EXECUTING})  # fmt: skip


class CheckState(models.TextChoices):
    PENDING = "pending", _("Not done yet")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class VerificationPolicy(models.Model):
    """What a kind of case requires; shipped defaults in verification/policy.py."""

    kind = models.CharField(_("kind"), max_length=32, choices=CaseKind.choices, unique=True)
    required_checks = models.JSONField(_("required checks"), default=list)
    approver_role = models.CharField(
        _("approver role"), max_length=16, choices=Role.choices, default=Role.L2
    )
    cool_down_hours = models.PositiveIntegerField(_("cool-down (hours)"), default=24)
    document_retention_days = models.PositiveIntegerField(
        _("keep documents after the decision (days)"), default=30
    )
    max_code_attempts = models.PositiveSmallIntegerField(_("code attempts"), default=5)
    max_knowledge_attempts = models.PositiveSmallIntegerField(_("answer attempts"), default=3)

    class Meta:
        verbose_name = _("verification policy")
        verbose_name_plural = _("verification policies")
        ordering = ["kind"]

    def __str__(self) -> str:
        return str(CaseKind(self.kind).label)


class VerificationCase(models.Model):
    # Public, unguessable: the portal and the cancel link name a case by it.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="verification_cases"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="verification_cases"
    )
    kind = models.CharField(max_length=32, choices=CaseKind.choices)
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    # The platform user id at opening: the account the checks and the change are about.
    platform_user_id = models.CharField(max_length=64)
    # The new values the customer asked for in the portal ({"email": …}); never an agent's.
    requested_change = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    proposal_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # When the approved change is carried out: the end of the cool-down.
    executes_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the cancel link's token, sent to the old registered contacts on approval.
    cancel_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # When the old registered contacts were sent the pending change and its cancel link;
    # nothing is executed before they were, however long ago the approval was.
    notified_at = models.DateTimeField(null=True, blank=True)
    execution_attempts = models.PositiveSmallIntegerField(default=0)
    # Why the platform refused, as a connector error code and parameters (platform/errors.py).
    failure_code = models.CharField(max_length=64, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)
    withdrawals_locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification case")
        verbose_name_plural = _("verification cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "executes_at"], name="vcase_due"),
            models.Index(fields=["state", "proposed_at"], name="vcase_review"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number shown to customers and agents: V-000042."""
        return f"V-{self.pk:06d}"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def idempotency_key(self) -> str:
        """One key per case for its change: a retried execution never runs it twice."""
        return f"kefu-case-{self.uuid}"


class VerificationCheck(models.Model):
    case = models.ForeignKey(VerificationCase, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=16, choices=CheckKind.choices)
    state = models.CharField(max_length=16, choices=CheckState.choices, default=CheckState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The platform's id of the code it sent; the code itself Kefu never sees.
    challenge_id = models.CharField(max_length=64, blank=True)
    challenge_expires_at = models.DateTimeField(null=True, blank=True)
    destination_hint = models.CharField(max_length=64, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # What the reviewer may see: {"correct": 2, "asked": 3}, a lock's end … never an
    # expected answer.
    result = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("verification check")
        verbose_name_plural = _("verification checks")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="vcheck_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class DocumentKind(models.TextChoices):
    ID_FRONT = "id_front", _("Identity document, front")
    ID_BACK = "id_back", _("Identity document, back")
    SELFIE = "selfie", _("Selfie holding the document")


class VerificationDocument(models.Model):
    """An uploaded document, encrypted at rest (verification/documents.py)."""

    case = models.ForeignKey(VerificationCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    # Name in the file storage; the file holds the ciphertext only. Blank once deleted.
    stored_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set at the decision: the decision plus the policy's retention.
    delete_after = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification document")
        verbose_name_plural = _("verification documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class CaseEvent(models.Model):
    """A step of the case, shown to the customer in their language and to agents.

    `code` names a sentence in verification/steps.py; `params` fill it. The audit log
    records the same step for the record; this is what the people involved read.
    """

    case = models.ForeignKey(VerificationCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    code = models.CharField(max_length=48)
    params = models.JSONField(default=dict, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    by_customer = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.code}"
