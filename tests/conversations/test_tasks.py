from collections.abc import Callable
from unittest import mock

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoCaptureOnCommitCallbacks

from kefu.agents.models import Agent
from kefu.conversations import actions, tasks
from kefu.conversations.models import Conversation, DeliveryStatus, Message
from kefu.conversations.outbound import PermanentError, RetryableError


@pytest.fixture
def reply(
    agent: Agent,
    conversation_factory: Callable[..., Conversation],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
):
    conversation = conversation_factory()
    return actions.send_reply(conversation=conversation, agent=agent, text="您好")


@pytest.mark.django_db
class TestDeliverMessage:
    def test_a_provider_outage_is_retried_then_marked_failed(self, reply) -> None:
        with mock.patch.dict(
            "kefu.conversations.outbound._deliverers",
            {"portal": mock.Mock(side_effect=RetryableError("smtp down"))},
        ):
            for attempt in range(1, tasks.MAX_ATTEMPTS):
                assert tasks.deliver_message.call(reply.pk) == DeliveryStatus.RETRYING
                reply.refresh_from_db()
                assert (reply.delivery_attempts, reply.delivery_error) == (attempt, "smtp down")
            assert tasks.deliver_message.call(reply.pk) == DeliveryStatus.FAILED
        reply.refresh_from_db()
        assert reply.delivery_status == DeliveryStatus.FAILED

    def test_a_permanent_error_fails_at_once(self, reply) -> None:
        with mock.patch.dict(
            "kefu.conversations.outbound._deliverers",
            {"portal": mock.Mock(side_effect=PermanentError("no such user"))},
        ):
            assert tasks.deliver_message.call(reply.pk) == DeliveryStatus.FAILED
        reply.refresh_from_db()
        assert reply.delivery_error == "no such user"

    def test_a_duplicate_job_does_not_send_twice(self, reply) -> None:
        deliver = mock.Mock()
        with mock.patch.dict("kefu.conversations.outbound._deliverers", {"portal": deliver}):
            tasks.deliver_message.call(reply.pk)
            tasks.deliver_message.call(reply.pk)
        deliver.assert_called_once()

    def test_an_attempt_is_on_record_before_the_message_leaves(self, reply) -> None:
        # A worker killed while handing the message over must leave the attempt counted.
        on_record = []
        deliver = mock.Mock(
            side_effect=lambda message: on_record.append(
                Message.objects.get(pk=message.pk).delivery_attempts
            )
        )
        with mock.patch.dict("kefu.conversations.outbound._deliverers", {"portal": deliver}):
            tasks.deliver_message.call(reply.pk)
        assert on_record == [1]
        reply.refresh_from_db()
        assert (reply.delivery_attempts, reply.delivery_status) == (1, DeliveryStatus.SENT)

    def test_a_job_left_after_the_last_attempt_fails_without_sending(self, reply) -> None:
        type(reply).objects.filter(pk=reply.pk).update(delivery_attempts=tasks.MAX_ATTEMPTS)
        deliver = mock.Mock()
        with mock.patch.dict("kefu.conversations.outbound._deliverers", {"portal": deliver}):
            assert tasks.deliver_message.call(reply.pk) == DeliveryStatus.FAILED
        deliver.assert_not_called()

    def test_the_portal_notification_mail_names_the_agent_and_the_ticket(
        self, reply, mailoutbox
    ) -> None:
        tasks.deliver_message.call(reply.pk)
        (mail,) = mailoutbox
        assert reply.conversation.reference in mail.subject
        assert reply.author_agent.public_id in mail.body
        assert "您好" in mail.body


def test_backoff_grows() -> None:
    delays = [tasks.retry_delay(n).total_seconds() for n in range(1, 6)]
    assert delays == sorted(delays)
    assert delays[0] == 30


@pytest.mark.django_db
def test_the_notification_shows_the_customers_anti_phishing_code(reply, mailoutbox) -> None:
    contact = reply.conversation.contact
    contact.anti_phishing_code = "Tiger42"
    contact.save()
    tasks.deliver_message.call(reply.pk)
    assert "Tiger42" in mailoutbox[0].body


@pytest.mark.django_db
def test_the_delivery_job_commits_with_the_reply_or_not_at_all(
    agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    jobs_inside: list[bool] = []

    def reply_then_fail() -> None:
        with transaction.atomic():
            reply = actions.send_reply(conversation=conversation, agent=agent, text="您好")
            jobs_inside.extend(
                job.args_kwargs["args"] == [reply.pk] for job in DBTaskResult.objects.all()
            )
            raise RuntimeError("the request failed after the reply was stored")

    with pytest.raises(RuntimeError):
        reply_then_fail()
    assert jobs_inside == [True]  # the job row was there, in the reply's transaction
    assert not DBTaskResult.objects.exists()
