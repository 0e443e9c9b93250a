"""Where a new conversation goes: its intent's team, and an agent when its inbox assigns."""

from collections.abc import Callable

from kefu.agents.models import Agent, Team
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Inbox


def stolen_account(inbox: Inbox) -> Conversation:
    inbound = InboundMessage(
        inbox=inbox,
        text="我的账号被盗了",
        intent="account_stolen",
        identity_kind=IdentityKind.EMAIL,
        identity_value="li@example.com",
    )
    return receive_message(inbound).conversation


def test_a_new_chat_joins_its_intents_team_and_goes_to_an_online_member(
    chat_inbox: Inbox, agent_factory: Callable[..., Agent]
) -> None:
    security = Team.objects.create(name="Security", slug="security")
    member = agent_factory()
    member.teams.add(security)
    chat_inbox.config = {"auto_assign": True}
    chat_inbox.save()
    conversation = Conversation.objects.get(pk=stolen_account(chat_inbox).pk)
    assert (conversation.team, conversation.assignee) == (security, member)


def test_a_new_chat_waits_unassigned_when_its_inbox_does_not_assign(
    chat_inbox: Inbox, agent_factory: Callable[..., Agent]
) -> None:
    security = Team.objects.create(name="Security", slug="security")
    agent_factory().teams.add(security)
    conversation = Conversation.objects.get(pk=stolen_account(chat_inbox).pk)
    assert (conversation.team, conversation.assignee) == (security, None)
