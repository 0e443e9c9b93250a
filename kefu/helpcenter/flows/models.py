"""One customer's pass through a guided flow, kept to measure deflection."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent


class RunOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SOLVED = "solved", _("Solved by the customer")
    HANDOFF = "handoff", _("Handed to an agent")


class FlowRun(models.Model):
    # The only handle a visitor without an account has on their run: unguessable.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intent = models.CharField(max_length=32, choices=Intent.choices)
    language = models.CharField(max_length=8)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.CharField(max_length=32)
    steps = models.JSONField(default=list)  # every step id shown, in order
    # What the customer entered and what the platform said, already redacted.
    collected = models.JSONField(default=dict)
    outcome = models.CharField(
        max_length=16, choices=RunOutcome.choices, default=RunOutcome.IN_PROGRESS
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guided flow run")
        verbose_name_plural = _("guided flow runs")
        indexes = [models.Index(fields=["started_at", "intent"], name="flowrun_started_intent")]

    def __str__(self) -> str:
        return f"{self.intent} {self.token}"
