"""receive_message triages a new conversation whose customer picked no topic."""

import pytest

from kefu.agents.models import Team
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Priority
from kefu.core.intents import Intent
from kefu.inboxes.models import Inbox


def inbound(inbox: Inbox, text: str, **fields: object) -> InboundMessage:
    fields.setdefault("identity_kind", "email")
    fields.setdefault("identity_value", "chen.jing@example.com")
    return InboundMessage(inbox=inbox, text=text, **fields)  # type: ignore[arg-type]


@pytest.mark.django_db
class TestTriageOnReceive:
    def test_a_stolen_account_is_urgent_and_goes_to_the_security_team(self, inbox: Inbox) -> None:
        security = Team.objects.create(name="Security", slug="security")
        message = actions.receive_message(
            inbound(inbox, "我的帳號被盜了，幣全部被轉走，請馬上凍結")
        )
        conversation = message.conversation
        assert conversation.intent == Intent.ACCOUNT_STOLEN
        assert conversation.priority == Priority.URGENT
        assert conversation.team == security

    def test_the_subject_counts_too(self, inbox: Inbox) -> None:
        message = actions.receive_message(
            inbound(inbox, "see below, order W-1042", subject="My withdrawal is still pending")
        )
        assert message.conversation.intent == Intent.WITHDRAWAL_DELAYED
        assert message.conversation.priority == Priority.HIGH

    def test_the_topic_the_customer_picked_wins(self, inbox: Inbox) -> None:
        message = actions.receive_message(inbound(inbox, "我的账号被盗了", intent=Intent.FEEDBACK))
        assert message.conversation.intent == Intent.FEEDBACK
        assert message.conversation.priority == Priority.LOW

    def test_a_message_the_model_cannot_place_stays_unclassified(self, inbox: Inbox) -> None:
        message = actions.receive_message(inbound(inbox, "ok"))
        assert message.conversation.intent == ""
        assert message.conversation.priority == Priority.NORMAL

    def test_a_reply_in_an_open_conversation_keeps_its_intent(self, inbox: Inbox) -> None:
        first = actions.receive_message(inbound(inbox, "how do I withdraw to my bank account"))
        conversation = first.conversation
        assert conversation.intent == Intent.WITHDRAWAL_HOWTO
        actions.receive_message(
            inbound(inbox, "someone hacked my account!", conversation=conversation)
        )
        conversation.refresh_from_db()
        assert conversation.intent == Intent.WITHDRAWAL_HOWTO
