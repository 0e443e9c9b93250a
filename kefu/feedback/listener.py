"""What the feedback app hears of conversations: a resolution asks for a rating, and a
customer who asks how to rate us is offered the survey of their last case."""

from datetime import datetime

from kefu.conversations import lifecycle
from kefu.conversations.models import Conversation, Message, Status
from kefu.core.intents import Intent
from kefu.feedback import actions
from kefu.feedback.models import SurveyState
from kefu.feedback.tasks import enqueue_on_commit, offer_survey, send_survey


def opened(conversation: Conversation, now: datetime) -> None:
    if conversation.intent == Intent.FEEDBACK:
        # Whether there is a survey to offer is the job's question: it reads after commit.
        enqueue_on_commit(offer_survey, conversation.pk)


def status_changed(conversation: Conversation, previous: str, now: datetime) -> None:
    if conversation.status != Status.RESOLVED:
        return
    survey = actions.create_for_resolution(conversation=conversation, now=now)
    if survey.state == SurveyState.PENDING:
        enqueue_on_commit(send_survey, survey.pk)


def _ignore_message(conversation: Conversation, message: Message, now: datetime) -> None:
    pass


def _ignore_merge(source: Conversation, target: Conversation, now: datetime) -> None:
    pass


def _ignore(conversation: Conversation, now: datetime) -> None:
    pass


def install() -> None:
    lifecycle.listen(
        "feedback",
        lifecycle.Listener(
            opened=opened,
            customer_wrote=_ignore_message,
            agent_replied=_ignore_message,
            status_changed=status_changed,
            merged=_ignore_merge,
            reclassified=_ignore,
        ),
    )
