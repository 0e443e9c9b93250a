"""Writes of the feedback app: surveys created, sent, answered or skipped; the inbox switch."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_role
from kefu.conversations import actions as conversation_actions
from kefu.conversations import events as conversation_events
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core import audit
from kefu.feedback.errors import CommentTooLong, RatingOutOfRange, SurveyExpired, SurveyNotOpen
from kefu.feedback.models import RATINGS, Survey, SurveyState
from kefu.inboxes.models import Inbox
from kefu.safety.actions import raise_alert
from kefu.safety.models import SafetyAlert
from kefu.safety.redaction import redact

# Long enough for a paragraph of praise or complaint, short enough to read in a report.
MAX_COMMENT = 2000
# Inbox.config key of the per-inbox switch; missing means surveys are on.
INBOX_SWITCH = "surveys"


def surveys_enabled(inbox: Inbox) -> bool:
    return bool(inbox.config.get(INBOX_SWITCH, True))


def _agents_who_replied(conversation: Conversation) -> list[int]:
    return sorted(
        {
            agent_id
            for agent_id in Message.objects.filter(
                conversation=conversation,
                kind=MessageKind.OUTBOUND,
                author_agent__isnull=False,
            ).values_list("author_agent_id", flat=True)
            if agent_id is not None
        }
    )


def create_for_resolution(*, conversation: Conversation, now: datetime) -> Survey:
    """The survey of the resolution that just happened, snapshotting who handled the case.

    Called by the lifecycle listener inside the transaction that resolves. A second call
    for the same resolution (the same resolved_at) returns the survey already there.
    """
    resolved_at = conversation.resolved_at or now
    existing = Survey.objects.filter(conversation=conversation, resolved_at=resolved_at).first()
    if existing is not None:
        return existing
    enabled = surveys_enabled(conversation.inbox)
    survey = Survey.objects.create(
        conversation=conversation,
        resolved_at=resolved_at,
        token=secrets.token_urlsafe(32),
        inbox_id=conversation.inbox_id,
        channel=conversation.channel,
        intent=conversation.intent,
        language=conversation.language,
        team_id=conversation.team_id,
        agent_id=conversation.assignee_id,
        agents=_agents_who_replied(conversation),
        state=SurveyState.PENDING if enabled else SurveyState.SKIPPED,
        skip_reason="" if enabled else "inbox",
        expires_at=resolved_at + timedelta(days=settings.KEFU_SURVEY_ANSWER_DAYS),
    )
    return survey


def _check_answer(survey: Survey, rating: int, comment: str, now: datetime) -> None:
    if survey.state == SurveyState.SKIPPED:
        raise SurveyNotOpen(_("This survey was not sent, so it cannot be answered."))
    if now >= survey.expires_at:
        raise SurveyExpired(
            _(
                "This survey closed on %(date)s: answers are taken for %(days)s days after "
                "the case is resolved."
            )
            % {
                "date": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d"),
                "days": settings.KEFU_SURVEY_ANSWER_DAYS,
            }
        )
    # bool is an int in Python: True is not a rating.
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise RatingOutOfRange(_("Choose a rating from 1 to 5."))
    if len(comment) > MAX_COMMENT:
        raise CommentTooLong(
            _("The comment is too long: at most %(limit)s characters.") % {"limit": MAX_COMMENT}
        )


def answer(
    *,
    survey: Survey,
    rating: int,
    comment: str = "",
    contacted_outside: bool | None = None,
    now: datetime | None = None,
) -> Survey:
    """Record the customer's answer, or change it while the survey is open.

    The answer lives on the survey row, so answering twice changes it and never adds a
    second response. A first "yes, someone contacted me outside your official channels"
    raises a safety alert; changing the answer later does not raise another.
    """
    now = now or timezone.now()
    comment = comment.strip()
    _check_answer(survey, rating, comment, now)
    with transaction.atomic():
        # Locked and read again: two submissions at once must not both be "the first".
        locked = Survey.objects.select_for_update().select_related("conversation").get(pk=survey.pk)
        _check_answer(locked, rating, comment, now)
        first = locked.answered_at is None
        locked.rating = rating
        # Customers paste anything, a recovery phrase included: it is never stored, and
        # they are warned as when they send one in a message.
        redacted = redact(comment, locked.language)
        locked.comment = redacted.text
        if contacted_outside is not None or first:
            locked.contacted_outside = contacted_outside
        if first:
            locked.answered_at = now
        else:
            locked.changed_at = now
        locked.state = SurveyState.ANSWERED
        locked.save()
        if redacted.found:
            conversation_actions.handle_exposure(
                locked.conversation, frozenset(finding.kind for finding in redacted.findings)
            )
        if locked.contacted_outside and not _alert_raised(locked):
            raise_alert(
                kind=SafetyAlert.Kind.CONTACTED_OUTSIDE,
                conversation=locked.conversation,
                reasons=["survey"],
            )
        audit.record(
            None,
            "survey.answered" if first else "survey.changed",
            locked,
            rating=rating,
            contacted_outside=locked.contacted_outside,
        )
        conversation_events.conversation_updated(locked.conversation, "survey")
    return locked


def _alert_raised(survey: Survey) -> bool:
    # One alert per resolution: a "yes", "no", "yes" again does not page supervisors twice.
    return SafetyAlert.objects.filter(
        kind=SafetyAlert.Kind.CONTACTED_OUTSIDE,
        conversation_id=survey.conversation_id,
        created_at__gte=survey.resolved_at,
    ).exists()


def resolve_without_survey(*, conversation: Conversation, actor: Agent) -> Conversation:
    """Resolve and skip the survey that resolution would send (supervisors and above).

    For a case where asking is wrong: an abusive customer, a test, a case closed on
    their behalf. Both happen in one transaction, so the survey is never sent.
    """
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        conversation = conversation_actions.change_status(
            conversation=conversation, actor=actor, status=Status.RESOLVED
        )
        # The survey the listener just made for this resolution.
        survey = Survey.objects.filter(conversation=conversation).order_by("-resolved_at").first()
        if survey is not None:
            survey.state = SurveyState.SKIPPED
            survey.skip_reason = "agent"
            survey.save(update_fields=["state", "skip_reason"])
            audit.record(actor, "survey.skipped", survey)
    return conversation


def set_inbox_survey(*, actor: Agent, inbox: Inbox, enabled: bool) -> Inbox:
    """Turn the satisfaction survey on or off for every resolution in `inbox`."""
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        locked = Inbox.objects.select_for_update().get(pk=inbox.pk)
        locked.config = {**locked.config, INBOX_SWITCH: enabled}
        locked.save(update_fields=["config"])
        audit.record(actor, "inbox.surveys", locked, enabled=enabled)
    inbox.config = locked.config
    return inbox


def mark_sent(survey: Survey, now: datetime) -> None:
    Survey.objects.filter(pk=survey.pk, state=SurveyState.PENDING).update(
        state=SurveyState.SENT, sent_at=now
    )


def mark_skipped(survey: Survey, reason: str) -> None:
    Survey.objects.filter(pk=survey.pk, state=SurveyState.PENDING).update(
        state=SurveyState.SKIPPED, skip_reason=reason
    )
