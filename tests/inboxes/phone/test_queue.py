"""A caller's place among the team's waiting calls and callbacks, and the wait it means."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.agents.models import Agent, CallDevice, Team
from kefu.inboxes.phone import actions, queue
from kefu.inboxes.phone.models import Call, CallStatus, Direction, PhoneLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def queued(phone_line: PhoneLine, team: Team) -> Callable[..., Call]:
    """A call waiting for `team`, queued `minutes_ago`."""
    counter = iter(range(1, 1000))

    def make(minutes_ago: int, urgent: bool = False, team_id: int | None = team.pk) -> Call:
        n = next(counter)
        call = actions.start_call(
            line=phone_line,
            sid=f"CA{n}",
            direction=Direction.INBOUND,
            from_number=f"+86138001380{n:02d}",
            to_number=phone_line.number,
        )
        Call.objects.filter(pk=call.pk).update(
            status=CallStatus.QUEUED,
            team_id=team_id,
            urgent=urgent,
            queued_at=timezone.now() - timedelta(minutes=minutes_ago),
        )
        call.refresh_from_db()
        return call

    return make


def test_callers_wait_in_the_order_they_queued(queued: Callable[..., Call]) -> None:
    first, second, third = queued(30), queued(20), queued(10)
    assert [queue.position(c) for c in (first, second, third)] == [1, 2, 3]


def test_a_stolen_account_goes_ahead_of_earlier_callers(queued: Callable[..., Call]) -> None:
    first, second = queued(30), queued(20)
    stolen = queued(1, urgent=True)
    assert queue.position(stolen) == 1
    assert queue.position(first) == 2
    assert queue.position(second) == 3


def test_a_callback_keeps_its_callers_place(queued: Callable[..., Call]) -> None:
    first, second, third = queued(30), queued(20), queued(10)
    callback = actions.request_callback(second)
    assert callback.queued_at == second.queued_at
    # The caller who asked to be called back is still counted in their place.
    assert queue.position(third) == 3
    assert queue.position(first) == 1


def test_other_teams_do_not_count(queued: Callable[..., Call]) -> None:
    queued(30, team_id=None)
    assert queue.position(queued(10)) == 1


def test_a_call_not_waiting_has_no_place(queued: Callable[..., Call]) -> None:
    call = queued(5)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.IN_PROGRESS)
    call.refresh_from_db()
    assert queue.wait_for(call) == queue.Wait(None, None)


def _answers_calls(agent_factory: Callable[..., Agent], team: Team, **fields: Any) -> Agent:
    agent = agent_factory(answers_calls=CallDevice.BROWSER, **fields)
    agent.teams.add(team)
    return agent


def test_nobody_online_who_answers_calls_gives_no_estimate(
    queued: Callable[..., Call], agent_factory: Callable[..., Agent], team: Team
) -> None:
    # Online for chats, but not on the phone line.
    agent_factory().teams.add(team)
    assert queue.wait_for(queued(5)) == queue.Wait(1, None)


def test_a_free_agent_means_no_wait(
    queued: Callable[..., Call], agent_factory: Callable[..., Agent], team: Team
) -> None:
    _answers_calls(agent_factory, team)
    assert queue.wait_for(queued(5)) == queue.Wait(1, 0)


def test_an_agent_on_a_call_means_a_call_length_of_wait(
    queued: Callable[..., Call],
    agent_factory: Callable[..., Agent],
    team: Team,
    settings: Any,
) -> None:
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 300
    agent = _answers_calls(agent_factory, team)
    busy = queued(40)
    Call.objects.filter(pk=busy.pk).update(status=CallStatus.IN_PROGRESS, agent=agent)
    assert queue.wait_for(queued(5)) == queue.Wait(1, 300)
    # Twice the queue, twice the wait.
    assert queue.wait_for(queued(1)) == queue.Wait(2, 600)


def test_the_handle_time_is_the_median_of_recent_answered_calls(
    queued: Callable[..., Call], team: Team, settings: Any
) -> None:
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 600
    now = timezone.now()
    for minutes in (1, 2, 3, 4, 10):
        call = queued(60)
        Call.objects.filter(pk=call.pk).update(
            status=CallStatus.COMPLETED, answered_at=now, ended_at=now, duration=minutes * 60
        )
    assert queue.handle_seconds(team.pk) == 180
    # Too few samples for another team: the configured default.
    assert queue.handle_seconds(team.pk + 1) == 600
