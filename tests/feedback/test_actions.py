"""Surveys: one per resolution, changed while open, refusals that store nothing."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.conversations.actions import change_status
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core.errors import InvalidTransition
from kefu.core.models import AuditEntry
from kefu.feedback import actions
from kefu.feedback.errors import CommentTooLong, RatingOutOfRange, SurveyExpired, SurveyNotOpen
from kefu.feedback.models import Survey, SurveyState
from kefu.inboxes.models import Inbox
from kefu.safety.models import SafetyAlert

pytestmark = pytest.mark.django_db

PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def test_a_resolution_creates_one_survey_with_who_handled_it(
    conversation_factory: Callable[..., Conversation],
    agent_factory: Callable[..., Agent],
    resolve: Callable[[Conversation], Survey],
) -> None:
    handler = agent_factory()
    helper = agent_factory()
    conversation = conversation_factory(assignee=handler)
    for author in (handler, helper, handler):
        Message.objects.create(
            conversation=conversation, kind=MessageKind.OUTBOUND, author_agent=author, text="好的"
        )
    survey = resolve(conversation)
    assert survey.state == SurveyState.PENDING
    assert survey.agent == handler
    assert survey.agents == sorted([handler.pk, helper.pk])
    assert (survey.inbox_id, survey.channel, survey.language) == (
        conversation.inbox_id,
        conversation.channel,
        conversation.language,
    )
    assert survey.expires_at == survey.resolved_at + timedelta(days=7)
    assert len(survey.token) >= 40


def test_resolving_twice_without_reopening_keeps_one_survey(
    survey: Survey, supervisor: Agent
) -> None:
    conversation = survey.conversation
    conversation.refresh_from_db()
    # resolved -> resolved is no change: the listener is not told, nothing is created.
    with pytest.raises(InvalidTransition):
        change_status(conversation=conversation, actor=supervisor, status=Status.RESOLVED)
    actions.create_for_resolution(conversation=conversation, now=timezone.now())
    assert Survey.objects.filter(conversation=conversation).count() == 1


def test_a_reopened_and_re_resolved_case_asks_again(
    survey: Survey, supervisor: Agent, resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = survey.conversation
    change_status(conversation=conversation, actor=supervisor, status=Status.OPEN)
    second = resolve(conversation)
    assert second.pk != survey.pk
    assert Survey.objects.filter(conversation=conversation).count() == 2


def test_answering_twice_changes_the_answer_and_never_adds_a_row(survey: Survey) -> None:
    first = actions.answer(survey=survey, rating=2, comment="太慢了")
    assert (first.state, first.rating, first.comment) == (SurveyState.ANSWERED, 2, "太慢了")
    assert first.answered_at is not None
    assert first.changed_at is None
    changed = actions.answer(survey=survey, rating=5, comment="后来解决了")
    assert (changed.rating, changed.comment) == (5, "后来解决了")
    assert changed.answered_at == first.answered_at
    assert changed.changed_at is not None
    assert Survey.objects.filter(conversation=survey.conversation).count() == 1
    assert list(
        AuditEntry.objects.filter(
            target_type="feedback.survey", target_id=str(survey.pk)
        ).values_list("action", flat=True)
    ) == ["survey.answered", "survey.changed"]


@pytest.mark.parametrize("rating", [0, 6, -1, 100, True])
def test_a_rating_out_of_range_is_refused_and_nothing_stored(survey: Survey, rating: int) -> None:
    with pytest.raises(RatingOutOfRange) as refused:
        actions.answer(survey=survey, rating=rating, comment="x")
    assert refused.value.code == "rating_out_of_range"
    assert refused.value.message
    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.answered_at) == (None, "", None)


def test_a_comment_too_long_is_refused(survey: Survey) -> None:
    with pytest.raises(CommentTooLong):
        actions.answer(survey=survey, rating=3, comment="慢" * (actions.MAX_COMMENT + 1))
    survey.refresh_from_db()
    assert survey.rating is None


def test_an_expired_survey_is_refused(survey: Survey) -> None:
    with pytest.raises(SurveyExpired) as refused:
        actions.answer(survey=survey, rating=4, now=survey.expires_at + timedelta(seconds=1))
    assert refused.value.code == "survey_expired"
    assert refused.value.status == 410
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_change_after_the_survey_closed_is_refused(survey: Survey) -> None:
    actions.answer(survey=survey, rating=4)
    with pytest.raises(SurveyExpired):
        actions.answer(survey=survey, rating=1, now=survey.expires_at)
    survey.refresh_from_db()
    assert (survey.rating, survey.changed_at) == (4, None)


def test_a_skipped_survey_cannot_be_answered(survey: Survey) -> None:
    Survey.objects.filter(pk=survey.pk).update(state=SurveyState.SKIPPED, skip_reason="agent")
    survey.refresh_from_db()
    with pytest.raises(SurveyNotOpen) as refused:
        actions.answer(survey=survey, rating=5)
    assert refused.value.code == "survey_not_open"


def test_a_recovery_phrase_in_the_comment_is_stored_redacted(survey: Survey) -> None:
    answered = actions.answer(survey=survey, rating=1, comment=f"我的助记词是 {PHRASE} 帮我看看")
    assert "abandon" not in answered.comment
    assert "accident" not in answered.comment
    assert "帮我看看" in answered.comment


def test_a_secret_in_the_comment_warns_the_customer_and_flags_the_case(survey: Survey) -> None:
    """As when a customer sends one in a message: the secret is gone, but whoever holds
    it can empty the wallet, so the customer is told at once and supervisors see it."""
    actions.answer(survey=survey, rating=2, comment=f"{PHRASE} 这是我的助记词")
    conversation = Conversation.objects.get(pk=survey.conversation_id)
    assert conversation.secret_exposed
    warning = conversation.messages.filter(kind=MessageKind.OUTBOUND).latest("pk")
    assert "abandon" not in warning.text
    assert SafetyAlert.objects.filter(
        kind=SafetyAlert.Kind.SECRET_EXPOSED, conversation=conversation
    ).exists()


def test_an_ordinary_comment_flags_nothing(survey: Survey) -> None:
    actions.answer(survey=survey, rating=4, comment="客服很耐心，谢谢！")
    assert not Conversation.objects.get(pk=survey.conversation_id).secret_exposed
    assert not SafetyAlert.objects.exists()


def test_yes_to_contacted_outside_raises_exactly_one_alert(survey: Survey) -> None:
    actions.answer(survey=survey, rating=3, contacted_outside=True)
    actions.answer(survey=survey, rating=3, contacted_outside=False)
    actions.answer(survey=survey, rating=2, contacted_outside=True)
    alerts = SafetyAlert.objects.filter(kind=SafetyAlert.Kind.CONTACTED_OUTSIDE)
    assert alerts.count() == 1
    assert alerts.get().conversation_id == survey.conversation_id


def test_no_to_contacted_outside_raises_no_alert(survey: Survey) -> None:
    actions.answer(survey=survey, rating=5, contacted_outside=False)
    assert not SafetyAlert.objects.exists()


def test_a_change_without_the_question_keeps_the_earlier_answer(survey: Survey) -> None:
    actions.answer(survey=survey, rating=3, contacted_outside=False)
    changed = actions.answer(survey=survey, rating=4)
    assert changed.contacted_outside is False


def test_an_inbox_with_surveys_off_skips_them(
    supervisor: Agent,
    inbox: Inbox,
    conversation_factory: Callable[..., Conversation],
    resolve: Callable[[Conversation], Survey],
) -> None:
    actions.set_inbox_survey(actor=supervisor, inbox=inbox, enabled=False)
    survey = resolve(conversation_factory())
    assert (survey.state, survey.skip_reason) == (SurveyState.SKIPPED, "inbox")
    actions.set_inbox_survey(actor=supervisor, inbox=inbox, enabled=True)
    inbox.refresh_from_db()
    assert actions.surveys_enabled(inbox)


def test_only_supervisors_switch_an_inbox_survey(
    agent_factory: Callable[..., Agent], inbox: Inbox
) -> None:
    with pytest.raises(PermissionDenied):
        actions.set_inbox_survey(actor=agent_factory(role=Role.L2), inbox=inbox, enabled=False)
    inbox.refresh_from_db()
    assert actions.surveys_enabled(inbox)


def test_resolve_without_survey_skips_that_resolutions_survey(
    supervisor: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    actions.resolve_without_survey(conversation=conversation, actor=supervisor)
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    survey = Survey.objects.get(conversation=conversation)
    assert (survey.state, survey.skip_reason) == (SurveyState.SKIPPED, "agent")


def test_agents_below_supervisor_cannot_resolve_without_survey(
    agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(assignee=agent)
    with pytest.raises(PermissionDenied):
        actions.resolve_without_survey(conversation=conversation, actor=agent)
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert not Survey.objects.exists()
