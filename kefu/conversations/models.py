import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.inboxes.models import Channel

REFERENCE_PREFIX = "K-"


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending customer")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Tier(models.IntegerChoices):
    """Who works on a conversation: escalation moves it up one tier at a time (kefu.sla)."""

    L1 = 1, _("Support")
    L2 = 2, _("Technical support")
    MANAGEMENT = 3, _("Management")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """A ticket: every exchange with a customer about one matter, on one channel."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, related_name="conversations"
    )
    inbox = models.ForeignKey(
        "inboxes.Inbox", on_delete=models.PROTECT, related_name="conversations"
    )
    # Copied from the inbox so the inbox list filters without a join.
    channel = models.CharField(max_length=16, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    intent = models.CharField(max_length=32, choices=Intent.choices, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ZH_HANS)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    # The customer sent a recovery phrase, key or password (removed before storage):
    # they must be told to move their funds, and a supervisor must look.
    secret_exposed = models.BooleanField(default=False)
    # The last sequence number handed to a message the customer sees (see sequence.py).
    last_seq = models.PositiveIntegerField(default=0)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.L1)
    # The earliest running SLA deadline and which target it is, kept by kefu.sla whenever
    # a clock starts, pauses or stops: lists sort and filter on them without computing.
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True)
    sla_due_target = models.CharField(max_length=16, blank=True)
    # Some SLA target was missed on this conversation (it stays marked for reports).
    sla_breached = models.BooleanField(_("SLA breached"), default=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        # Each inbox view reads one of these in order and stops after a page: the id
        # breaks ties exactly as the list sorts, so no view needs a sort step at 100k rows.
        indexes = [
            models.Index(fields=["status", "-last_message_at", "-id"], name="conv_status_recent"),
            models.Index(fields=["assignee", "status", "-last_message_at"], name="conv_mine"),
            models.Index(
                fields=["assignee", "-last_message_at", "-id"], name="conv_assignee_recent"
            ),
            models.Index(fields=["-last_message_at", "-id"], name="conv_recent"),
            # The report rollups recompute recent hours by these three instants.
            models.Index(fields=["created_at"], name="conv_created"),
            models.Index(fields=["first_response_at"], name="conv_first_response"),
            models.Index(fields=["resolved_at"], name="conv_resolved"),
            models.Index(fields=["contact", "-last_message_at"], name="conv_contact"),
            # "Sort by next deadline" and the "due soon" view read this in order.
            models.Index(
                fields=["sla_due_at", "id"],
                name="conv_sla_due",
                condition=models.Q(sla_due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number customers quote: K-000123 (the primary key, zero-padded)."""
        return f"{REFERENCE_PREFIX}{self.pk:06d}"


class MessageKind(models.TextChoices):
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("Reply")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")


class DeliveryStatus(models.TextChoices):
    NOT_APPLICABLE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    author_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True)
    # Sanitized at ingress; templates may render it as safe.
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The channel's own id (an email Message-ID, a chat client id) for de-duplication.
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    delivery_status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_APPLICABLE
    )
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    delivery_error = models.CharField(max_length=500, blank=True)
    # The whole message as received (an email's quoted history, headers), redacted like
    # the text; agents open it on request when the stripped text is not enough.
    original = models.TextField(blank=True)
    # Look-alike links found in the text: [{"url", "host", "reason", "imitates"}].
    link_warnings = models.JSONField(default=list, blank=True)
    # Position among the messages the customer sees, gap-free per conversation, so a
    # reconnecting chat asks for "after N" and gets exactly what it missed. Notes have none.
    seq = models.PositiveIntegerField(null=True, blank=True)
    # The channel an outbound message goes out on when it is not the conversation's: the
    # customer's email or the portal, offered when the conversation's channel is closed
    # to replies (conversations.reply_window). Blank: the conversation's own channel.
    via = models.CharField(max_length=16, choices=Channel.choices, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="msg_timeline"),
            models.Index(fields=["conversation", "seq"], name="msg_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is random: a customer's file name can hold anything, including
    # text the redactor removed from the visible name.
    return f"attachments/{instance.message.conversation_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class SearchDocument(models.Model):
    """What the console's conversation search holds for one conversation (see search/).

    The terms are folded, segmented and stemmed already (kefu.core.search.analysis); the
    database's full-text index (an FTS5 table on SQLite, a generated tsvector on
    PostgreSQL, both created by migration 0005) is derived from these columns by the
    database itself. The contact's part is kept apart so that a contact change rewrites
    it alone, without reading the messages again.
    """

    conversation = models.OneToOneField(
        Conversation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    contact_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return str(self.conversation_id)


class InboundReceipt(models.Model):
    """A channel's id for a delivery already stored in this inbox (an email Message-ID, a
    Telegram update, a WeChat MsgId). Unique, so two copies arriving at the same moment
    cannot both be stored: the second waits for the first and then finds it."""

    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inbox", "external_id"], name="inbound_receipt_unique")
        ]

    def __str__(self) -> str:
        return self.external_id


class ConversationHold(models.Model):
    """Only these agents may act on the conversation while the hold lasts.

    An app above conversations puts a conversation on hold for a sensitive procedure (an
    identity verification case: its owner and its approver) so that no other agent can
    reply, reassign or close it midway. `key` names the holder ("verification:V-000042"),
    which releases its own rows. See conversations/holds.py.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "agent", "key"], name="conversation_hold_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.key}"
