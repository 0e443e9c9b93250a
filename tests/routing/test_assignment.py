from collections.abc import Callable

from kefu.agents.models import Agent, Availability, Team
from kefu.conversations.models import Conversation, Status
from kefu.routing.assignment import pick_assignee

ChatFactory = Callable[..., Conversation]
AgentFactory = Callable[..., Agent]


def test_the_least_busy_online_agent_gets_the_chat(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    busy, idle = agent_factory(), agent_factory()
    chat_factory(assignee=busy)
    assert pick_assignee(chat_factory()) == idle


def test_done_conversations_do_not_count_as_load(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    first, second = agent_factory(), agent_factory()
    chat_factory(assignee=first, status=Status.RESOLVED)
    chat_factory(assignee=second)
    assert pick_assignee(chat_factory()) == first


def test_away_and_offline_agents_get_no_chats(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent_factory(availability=Availability.AWAY)
    agent_factory(availability=Availability.OFFLINE)
    assert pick_assignee(chat_factory()) is None


def test_an_online_agent_without_an_open_console_gets_no_chats(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent_factory(last_seen_at=None)
    assert pick_assignee(chat_factory()) is None


def test_a_full_agent_gets_no_more(chat_factory: ChatFactory, agent_factory: AgentFactory) -> None:
    agent = agent_factory(max_concurrent=1)
    chat_factory(assignee=agent)
    assert pick_assignee(chat_factory()) is None


def test_language_and_intent_skills_must_match_when_listed(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    english = agent_factory(skill_languages=["en"])
    security = agent_factory(skill_intents=["account_stolen"])
    anyone = agent_factory()
    chat_factory(assignee=anyone)  # busier than the specialists
    assert pick_assignee(chat_factory(language="en", intent="fees")) == english
    assert pick_assignee(chat_factory(language="zh-Hans", intent="account_stolen")) == security
    assert pick_assignee(chat_factory(language="zh-Hant", intent="fees")) == anyone


def test_a_team_chat_goes_to_a_member_of_the_team(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    agent_factory()
    member = agent_factory()
    member.teams.add(team)
    chat_factory(assignee=member)
    assert pick_assignee(chat_factory(team=team)) == member


def test_emails_and_tickets_take_no_chat_slot(
    chat_factory: ChatFactory,
    agent_factory: AgentFactory,
    conversation_factory: Callable[..., Conversation],
) -> None:
    agent = agent_factory(max_concurrent=1)
    conversation_factory(assignee=agent)  # a help-center ticket
    assert pick_assignee(chat_factory()) == agent
