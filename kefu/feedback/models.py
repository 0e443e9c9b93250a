"""Satisfaction surveys: one per resolution of a conversation, answered at most once.

A survey is created when a conversation is resolved (kefu.feedback's lifecycle listener)
and remembers who handled the case at that moment, so ratings stay with the agents and
team that earned them even if the conversation moves later. A reopened and re-resolved
conversation gets a new survey (a new `resolved_at`). The answer lives on the survey row
itself: a second answer changes it while the survey is open, never adds another.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent
from kefu.core.languages import Language
from kefu.inboxes.models import Channel

RATINGS = range(1, 6)


class SurveyState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    ANSWERED = "answered", _("Answered")


class Survey(models.Model):
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="surveys"
    )
    # The resolution this survey asks about.
    resolved_at = models.DateTimeField()
    # The handle in the one-click link and the widget: unguessable, so the email link
    # works without signing in and a changed token matches nothing.
    token = models.CharField(max_length=64, unique=True)
    inbox = models.ForeignKey("inboxes.Inbox", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    intent = models.CharField(max_length=32, choices=Intent.choices, blank=True)
    language = models.CharField(max_length=8, choices=Language.choices)
    team = models.ForeignKey(
        "agents.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The agent the conversation was assigned to when it was resolved...
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # ...and every agent who replied to the customer in it (ids), for per-agent reports.
    agents = models.JSONField(default=list)
    state = models.CharField(
        max_length=16, choices=SurveyState.choices, default=SurveyState.PENDING
    )
    # Why a survey was not sent: "agent" (resolved without it), "inbox" (surveys off),
    # "window" (the channel's reply window was closed), "no_address".
    skip_reason = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Answers are taken, and may be changed, until then.
    expires_at = models.DateTimeField()
    # The answer: a 1-5 rating, an optional comment (redacted before storage) and Kefu's
    # own question, "Did anyone contact you outside our official channels about this case?"
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    contacted_outside = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "resolved_at"], name="one_survey_per_resolution"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_to_5",
            ),
        ]
        indexes = [
            # Reports roll answers up by the hour they arrived.
            models.Index(fields=["answered_at"], name="survey_answered"),
            # "The customer's last case" and the conversation page's survey line.
            models.Index(fields=["conversation", "-resolved_at"], name="survey_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.resolved_at:%Y-%m-%d %H:%M}"
