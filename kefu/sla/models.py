"""SLA policies, the clocks they start on conversations, and escalations.

A policy sets targets; each conversation it applies to gets one `Clock` per target, which
holds the deadline while the clock runs (and what is left of it while paused). Every start,
pause, fulfilment, warning and breach is also kept as an `SlaEvent`, for reports and audits.
The earliest running deadline is copied onto the conversation (sla_due_at) for lists.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.conversations.models import Tier
from kefu.core.intents import Intent
from kefu.core.languages import Language


class Target(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    PERIODIC_UPDATE = "periodic_update", _("Status update")
    RESOLUTION = "resolution", _("Resolution")


class SlaPolicy(models.Model):
    """Targets for the conversations this policy matches; the first matching policy (by
    position) applies. An empty match list matches everything."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    # What the policy applies to (all given conditions must hold).
    channels = models.JSONField(_("channels"), default=list, blank=True)
    inbox = models.ForeignKey(
        "inboxes.Inbox", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    intents = models.JSONField(_("intents"), default=list, blank=True)
    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Targets in minutes (empty: no such target); each in business or calendar time.
    first_response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    first_response_business = models.BooleanField(
        _("first response in business time"), default=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response (minutes)"), null=True, blank=True
    )
    next_response_business = models.BooleanField(_("next response in business time"), default=True)
    update_minutes = models.PositiveIntegerField(
        _("status update every (minutes)"), null=True, blank=True
    )
    update_business = models.BooleanField(_("status updates in business time"), default=True)
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )
    resolution_business = models.BooleanField(_("resolution in business time"), default=True)
    warn_before_minutes = models.PositiveIntegerField(_("warn before (minutes)"), default=10)
    # "Waiting on the chain / a third party": on hold pauses the clocks only if this is set.
    pause_on_hold = models.BooleanField(_("on hold pauses the clocks"), default=False)
    escalate_on_breach = models.BooleanField(_("escalate on breach"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Clock(models.Model):
    """One target's clock on one conversation.

    Running: `due_at` is set. Paused: `due_at` is empty and `remaining` holds the working
    (or calendar) time left. Stopped for good: `fulfilled_at` or `stopped_at` is set.
    `check_at` is when the sweep must next look at it (the warning, else the deadline);
    the sweep finds due clocks through its index, never by scanning.
    """

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_clocks"
    )
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="clocks")
    target = models.CharField(max_length=16, choices=Target.choices)
    business = models.BooleanField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    remaining = models.DurationField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    check_at = models.DateTimeField(null=True, blank=True)
    # Why the clock has no deadline although it runs (a calendar without working time),
    # shown in the console instead of a silent "never".
    problem = models.CharField(max_length=255, blank=True)
    # The deadline was computed from `computed_at` with `budget` (working or calendar
    # time) left: a calendar change recomputes it from there (kefu.sla.clock).
    computed_at = models.DateTimeField(null=True, blank=True)
    budget = models.DurationField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "target"], name="one_clock_per_target")
        ]
        indexes = [
            models.Index(
                fields=["check_at"],
                name="sla_clock_check",
                condition=models.Q(check_at__isnull=False),
            ),
            # The report rollups recompute recent hours of met and breached clocks.
            models.Index(fields=["fulfilled_at"], name="sla_clock_fulfilled"),
            models.Index(fields=["breached_at"], name="sla_clock_breached"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.target}"


class EventKind(models.TextChoices):
    STARTED = "started", _("Started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    FULFILLED = "fulfilled", _("Met")
    WARNED = "warned", _("Warning sent")
    BREACHED = "breached", _("Breached")
    STOPPED = "stopped", _("Stopped")


class SlaEvent(models.Model):
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_events"
    )
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(max_length=16, choices=Target.choices)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    at = models.DateTimeField()
    # The deadline that applied when the event happened.
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        indexes = [models.Index(fields=["conversation", "at"], name="sla_event_conversation")]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.target} {self.kind}"


class EscalationRoute(models.Model):
    """Where a team's conversations go when escalated to `tier`; the route without a team
    is the default for every team that has none of its own."""

    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"), choices=[(t.value, t.label) for t in Tier if t != Tier.L1]
    )
    to_team = models.ForeignKey(
        "agents.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )

    class Meta:
        verbose_name = _("escalation route")
        verbose_name_plural = _("escalation routes")
        constraints = [
            models.UniqueConstraint(fields=["team", "tier"], name="one_route_per_team_tier"),
            models.UniqueConstraint(
                fields=["tier"],
                condition=models.Q(team__isnull=True),
                name="one_default_route_per_tier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team or '*'} → {Tier(self.tier).label}: {self.to_team}"


class Escalation(models.Model):
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="escalations"
    )
    from_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    to_tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    from_team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    # Exactly one of: an agent, the customer, or the system (a policy on breach).
    by_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["created_at", "pk"]
        constraints = [
            # The customer may ask once per tier (kefu.sla.escalation enforces it first,
            # with a clear message; this holds under concurrent requests).
            models.UniqueConstraint(
                fields=["conversation", "to_tier"],
                condition=models.Q(by_contact__isnull=False),
                name="customer_escalates_once_per_tier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.from_tier}→{self.to_tier}"


class UpdateTemplate(models.Model):
    """A status update an agent sends on a long case ("still being investigated …").

    Chosen by the conversation's intent (a blank intent fits any case) and language;
    sent as a normal reply, so it goes through the outbound guard and fulfils the
    periodic-update target like any agent's answer.
    """

    intent = models.CharField(_("case type"), max_length=32, choices=Intent.choices, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("status update template")
        verbose_name_plural = _("status update templates")
        ordering = ["intent", "language", "title", "pk"]
        indexes = [models.Index(fields=["language", "intent"], name="sla_update_template_lookup")]

    def __str__(self) -> str:
        return self.title
