from collections.abc import Callable
from typing import Any

from django.utils import timezone

from kefu.agents.models import Agent, Availability, Team
from kefu.conversations.models import Conversation, Priority
from kefu.routing.selectors import live_queue


def test_the_board_counts_positions_per_team_in_three_queries(
    chat_factory: Callable[..., Conversation],
    agent_factory: Callable[..., Agent],
    django_assert_num_queries: Any,
) -> None:
    security = Team.objects.create(name="Security", slug="security")
    general_first = chat_factory()
    security_first = chat_factory(team=security)
    general_second = chat_factory()
    urgent = chat_factory(priority=Priority.URGENT)
    holder = agent_factory(max_concurrent=4)
    holder.teams.add(security)
    chat_factory(assignee=holder)
    agent_factory(availability=Availability.OFFLINE)
    with django_assert_num_queries(3):
        board = live_queue(timezone.now())
        teams = [list(agent.teams.all()) for agent in board.agents]
    positions = {chat.conversation.pk: chat.position for chat in board.waiting}
    assert positions == {
        urgent.pk: 1,
        general_first.pk: 2,
        general_second.pk: 3,
        security_first.pk: 1,
    }
    assert [(agent, agent.load) for agent in board.agents] == [(holder, 1)]
    assert teams == [[security]]
