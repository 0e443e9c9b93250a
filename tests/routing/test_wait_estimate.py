from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from kefu.agents.models import Agent, Availability, Team
from kefu.conversations.models import Conversation, Priority, Status
from kefu.inboxes.models import Channel, Inbox
from kefu.routing.models import ServiceSchedule, WeeklyHours
from kefu.routing.selectors import live_queue
from kefu.routing.wait_estimate import (
    QueueStatus,
    WaitReason,
    board_estimates,
    handle_seconds,
    queue_status,
)

ChatFactory = Callable[..., Conversation]


@pytest.fixture(autouse=True)
def _auto_assign(chat_inbox: Inbox) -> None:
    """The estimate's model: a chat goes to whoever frees a slot first."""
    chat_inbox.config = {"auto_assign": True}
    chat_inbox.save()


@pytest.fixture
def manual_chat(conversation_factory: Callable[..., Conversation]) -> ChatFactory:
    """Chats of an inbox that leaves them for agents to take."""
    inbox = Inbox.objects.create(name="Picked by hand", channel=Channel.WEBCHAT)

    def make(**fields: Any) -> Conversation:
        return conversation_factory(inbox=inbox, channel=Channel.WEBCHAT, **fields)

    return make


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The handling-time median is cached for a minute: no test may see another's."""
    cache.clear()
    yield
    cache.clear()


def resolved_chats(chat_factory: ChatFactory, minutes: list[int], **fields: Any) -> None:
    now = timezone.now()
    for handled in minutes:
        chat = chat_factory(status=Status.RESOLVED, **fields)
        chat.first_response_at = now - timedelta(minutes=handled + 1)
        chat.resolved_at = now - timedelta(minutes=1)
        chat.save()


def test_position_counts_higher_priorities_first_then_the_longest_waiting(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent]
) -> None:
    first = chat_factory()
    second = chat_factory()
    urgent = chat_factory(priority=Priority.URGENT)
    low = chat_factory(priority=Priority.LOW)
    assert [queue_status(c).position for c in (urgent, first, second, low)] == [1, 2, 3, 4]


def test_assigned_done_and_other_channel_chats_are_not_in_the_queue(
    chat_factory: ChatFactory,
    conversation_factory: Callable[..., Conversation],
    agent_factory: Callable[..., Agent],
) -> None:
    agent = agent_factory()
    taken = chat_factory(assignee=agent)
    chat_factory(status=Status.RESOLVED)
    conversation_factory()  # a portal ticket
    waiting = chat_factory()
    assert queue_status(taken) == QueueStatus(
        position=None, estimated_wait_seconds=None, agents_online=1
    )
    assert queue_status(waiting).position == 1


def test_each_team_has_its_own_queue(chat_factory: ChatFactory) -> None:
    security = Team.objects.create(name="Security", slug="security")
    chat_factory()
    guarded = chat_factory(team=security)
    assert queue_status(guarded).position == 1


def test_no_agent_online_means_no_estimate(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent]
) -> None:
    agent_factory(availability=Availability.AWAY)
    assert queue_status(chat_factory()) == QueueStatus(
        position=1,
        estimated_wait_seconds=None,
        agents_online=0,
        reason=WaitReason.NO_AGENT_ONLINE,
    )


def test_an_online_agent_without_an_open_console_promises_nothing(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent], settings: Any
) -> None:
    agent_factory(last_seen_at=None)  # set online, never signed in
    settings.KEFU_AGENT_PRESENCE_SECONDS = 90
    agent_factory(last_seen_at=timezone.now() - timedelta(seconds=91))  # closed the console
    status = queue_status(chat_factory())
    assert (status.estimated_wait_seconds, status.agents_online) == (None, 0)
    assert status.reason == WaitReason.NO_AGENT_ONLINE


def test_outside_service_hours_with_nobody_online_says_when_it_opens(
    chat_factory: ChatFactory,
) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    tomorrow = (timezone.now().astimezone(shanghai) + timedelta(days=1)).date()
    schedule = ServiceSchedule.objects.create(timezone="Asia/Shanghai")
    WeeklyHours.objects.create(
        schedule=schedule, weekday=tomorrow.weekday(), opens=time(9), closes=time(18)
    )
    assert queue_status(chat_factory()) == QueueStatus(
        position=1,
        estimated_wait_seconds=None,
        agents_online=0,
        reason=WaitReason.CLOSED,
        opens_at=datetime.combine(tomorrow, time(9), tzinfo=shanghai),
    )


def test_in_an_inbox_that_does_not_assign_a_free_slot_is_no_promise(
    manual_chat: ChatFactory, agent_factory: Callable[..., Agent], settings: Any
) -> None:
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 600
    agent_factory(max_concurrent=2)
    first, second = manual_chat(), manual_chat()
    # Two slots, none promised: one frees every 300 s on average.
    assert queue_status(first) == QueueStatus(
        position=1, estimated_wait_seconds=300, agents_online=1, reason=WaitReason.MANUAL
    )
    assert queue_status(second).estimated_wait_seconds == 600
    board = board_estimates(live_queue(timezone.now()))
    assert {chat.conversation.pk: seconds for chat, seconds in board} == {
        first.pk: 300,
        second.pk: 600,
    }


def test_a_free_slot_means_no_wait(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent]
) -> None:
    agent_factory(max_concurrent=2)
    assert queue_status(chat_factory()).estimated_wait_seconds == 0


def test_without_history_the_default_handle_time_is_used(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent], settings: Any
) -> None:
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 600
    agent = agent_factory(max_concurrent=2)
    chat_factory(assignee=agent)
    chat_factory(assignee=agent)
    first, second = chat_factory(), chat_factory()
    # Two slots, both taken: one frees every 300 s on average.
    assert queue_status(first) == QueueStatus(
        position=1, estimated_wait_seconds=300, agents_online=1
    )
    assert queue_status(second).estimated_wait_seconds == 600


def test_recent_handling_times_drive_the_estimate(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent]
) -> None:
    resolved_chats(chat_factory, [2, 4, 4, 6, 30])  # median 4 minutes
    agent = agent_factory(max_concurrent=1)
    chat_factory(assignee=agent)
    waiting = chat_factory()
    assert handle_seconds(None) == 240
    assert queue_status(waiting).estimated_wait_seconds == 240


def test_old_history_is_ignored(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent], settings: Any
) -> None:
    settings.KEFU_CHAT_HISTORY_HOURS = 1
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 900
    resolved_chats(chat_factory, [2, 2, 2, 2, 2])
    Conversation.objects.update(resolved_at=timezone.now() - timedelta(hours=2))
    assert handle_seconds(None) == 900


def test_queue_status_reads_a_fixed_number_of_queries(
    chat_factory: ChatFactory,
    agent_factory: Callable[..., Agent],
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        agent_factory()
    chats = [chat_factory() for _ in range(10)]
    queue_status(chats[0])  # warms the handle-time cache
    with django_assert_num_queries(3):
        queue_status(chats[-1])


def test_the_board_shows_each_customer_the_estimate_they_see(
    chat_factory: ChatFactory, agent_factory: Callable[..., Agent]
) -> None:
    security = Team.objects.create(name="Security", slug="security")
    member = agent_factory(max_concurrent=2)
    member.teams.add(security)
    agent_factory(max_concurrent=1)
    chat_factory(assignee=member, team=security)
    chats = [chat_factory(team=security) for _ in range(3)] + [chat_factory() for _ in range(2)]
    agent_factory(availability=Availability.OFFLINE)
    board = board_estimates(live_queue(timezone.now()))
    shown = {chat.conversation.pk: seconds for chat, seconds in board}
    assert shown == {c.pk: queue_status(c).estimated_wait_seconds for c in chats}
    # Security: 2 slots, 1 free; the general queue: 3 slots (everyone online), 2 free.
    assert sorted(s for s in shown.values() if s is not None) == [0, 0, 0, 300, 600]
