from collections.abc import Callable
from typing import Any

from django.utils import timezone

from kefu.agents.models import Agent, Availability, Team
from kefu.conversations.models import Conversation, Priority
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import Call, CallStatus, Direction, PhoneLine
from kefu.routing.selectors import Capacity, agents_with_load, live_queue, online_capacity


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


def _phone_call(agent: Agent, sid: str, status: str) -> None:
    line = PhoneLine.objects.first() or PhoneLine.objects.create(
        inbox=Inbox.objects.create(name="Hotline", channel=Channel.PHONE), number="+864001234567"
    )
    Call.objects.create(
        line=line,
        sid=sid,
        direction=Direction.INBOUND,
        from_number="+8613800138000",
        to_number=line.number,
        agent=agent,
        status=status,
        started_at=timezone.now(),
    )


def test_a_live_phone_call_counts_as_load_beside_chats_each_once(
    chat_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    agent = agent_factory(max_concurrent=3)
    chat_factory(assignee=agent)
    chat_factory(assignee=agent)
    _phone_call(agent, "CA1", CallStatus.IN_PROGRESS)
    _phone_call(agent, "CA2", CallStatus.RINGING)
    # Over and done: no load.
    _phone_call(agent, "CA3", CallStatus.COMPLETED)
    _phone_call(agent, "CA4", CallStatus.MISSED)
    (loaded,) = agents_with_load()
    # Two joins multiplied would count 2 × 4 rows.
    assert loaded.load == 4
    assert online_capacity(None) == Capacity(agents_online=1, slots=3, free=0)
