"""Sending the survey on the case's own channel, and offering it to who asks how to rate us."""

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.conversations.tasks import deliver_message
from kefu.core.intents import Intent
from kefu.feedback import selectors, tasks
from kefu.feedback.models import Survey, SurveyState
from kefu.inboxes.models import Channel

pytestmark = pytest.mark.django_db


def _automatic(conversation: Conversation) -> list[Message]:
    return list(
        Message.objects.filter(
            conversation=conversation, kind=MessageKind.OUTBOUND, author_agent__isnull=True
        )
    )


def test_a_resolution_queues_the_survey_job(survey: Survey) -> None:
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(task_path="kefu.feedback.tasks.send_survey")
    assert [job.args_kwargs["args"] for job in jobs] == [[survey.pk]]


def test_the_email_survey_has_the_code_and_one_click_links(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.EMAIL)
    Contact.objects.filter(pk=conversation.contact_id).update(anti_phishing_code="Tiger42")
    survey = resolve(conversation)
    assert tasks.send_survey.call(survey.pk) == "sent"
    (message,) = _automatic(conversation)
    assert deliver_message.call(message.pk) == DeliveryStatus.SENT
    (sent,) = mail.outbox
    url = selectors.survey_url(survey)
    for rating in range(1, 6):
        assert f"{url}?rating={rating}" in sent.body
    assert "Tiger42" in sent.body
    assert conversation.reference in sent.body
    survey.refresh_from_db()
    assert survey.state == SurveyState.SENT
    assert survey.sent_at is not None


def test_sending_twice_sends_once(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.EMAIL)
    survey = resolve(conversation)
    tasks.send_survey.call(survey.pk)
    assert tasks.send_survey.call(survey.pk) == "done"
    assert len(_automatic(conversation)) == 1


def test_a_skipped_survey_is_never_sent(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.EMAIL)
    survey = resolve(conversation)
    Survey.objects.filter(pk=survey.pk).update(state=SurveyState.SKIPPED, skip_reason="agent")
    assert tasks.send_survey.call(survey.pk) == "done"
    assert _automatic(conversation) == []


def test_webchat_gets_an_event_for_the_widget(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.WEBCHAT)
    survey = resolve(conversation)
    with mock.patch("kefu.feedback.tasks.publish_on_commit") as publish:
        assert tasks.send_survey.call(survey.pk) == "sent"
    (groups, event), _kwargs = publish.call_args
    assert groups == [f"contact.{conversation.contact_id}"]
    assert event["kind"] == "survey"
    assert event["token"] == survey.token
    assert event["url"] == selectors.survey_url(survey)
    assert _automatic(conversation) == []


def test_a_messaging_channel_with_an_open_window_gets_the_link(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.WECHAT)
    survey = resolve(conversation)
    assert tasks.send_survey.call(survey.pk) == "sent"
    (message,) = _automatic(conversation)
    assert selectors.survey_url(survey) in message.text
    assert message.via == ""


def test_a_messaging_channel_with_the_window_closed_is_skipped(
    on: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> None:
    conversation = on(Channel.WECHAT)
    Message.objects.filter(conversation=conversation).update(
        created_at=conversation.last_message_at - timedelta(hours=49)
    )
    survey = resolve(conversation)
    assert tasks.send_survey.call(survey.pk) == "skipped"
    survey.refresh_from_db()
    assert (survey.state, survey.skip_reason) == (SurveyState.SKIPPED, "window")
    assert _automatic(conversation) == []


def test_a_portal_case_is_marked_sent_for_the_portal_page(survey: Survey) -> None:
    assert tasks.send_survey.call(survey.pk) == "sent"
    survey.refresh_from_db()
    assert survey.state == SurveyState.SENT
    assert _automatic(survey.conversation) == []


def test_asking_how_to_rate_offers_the_last_cases_survey(
    on: Callable[..., Conversation],
    resolve: Callable[[Conversation], Survey],
    conversation_factory: Callable[..., Conversation],
) -> None:
    old = on(Channel.EMAIL)
    survey = resolve(old)
    asking = conversation_factory(
        contact=old.contact, inbox=old.inbox, channel=Channel.EMAIL, intent=Intent.FEEDBACK
    )
    assert tasks.offer_survey.call(asking.pk) == "offered"
    assert tasks.offer_survey.call(asking.pk) == "offered"  # a second run sends nothing more
    (offer,) = _automatic(asking)
    assert selectors.survey_url(survey) in offer.text
    assert old.reference in offer.text


def test_no_offer_without_an_answerable_survey(
    survey: Survey, conversation_factory: Callable[..., Conversation]
) -> None:
    Survey.objects.filter(pk=survey.pk).update(expires_at=survey.resolved_at)
    asking = conversation_factory(contact=survey.conversation.contact, intent=Intent.FEEDBACK)
    assert tasks.offer_survey.call(asking.pk) == "nothing to offer"
    assert _automatic(asking) == []


def test_a_feedback_conversation_opened_queues_the_offer(
    on: Callable[..., Conversation],
) -> None:
    from django_tasks_db.models import DBTaskResult

    from kefu.conversations import lifecycle

    conversation = on(Channel.EMAIL)
    Conversation.objects.filter(pk=conversation.pk).update(intent=Intent.FEEDBACK)
    conversation.refresh_from_db()
    lifecycle.opened(conversation, conversation.last_message_at)
    jobs = DBTaskResult.objects.filter(task_path="kefu.feedback.tasks.offer_survey")
    assert [job.args_kwargs["args"] for job in jobs] == [[conversation.pk]]
