"""Who is told of a warning or breach, by mail and in which language."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kefu.agents.models import Agent, Role, Team
from kefu.conversations.models import Conversation
from kefu.sla import clock as sla_clock
from kefu.sla import sweep
from kefu.sla.models import SlaPolicy
from kefu.sla.notifications import BREACH, WARNING, recipients

MINUTE = timedelta(minutes=1)


@pytest.fixture
def t0() -> datetime:
    return timezone.now()


def _started(
    conversation_factory: Callable[..., Conversation], t0: datetime, **fields: object
) -> Conversation:
    conversation = conversation_factory(**fields)
    sla_clock.opened(conversation, t0)
    return conversation


@pytest.mark.django_db
def test_agents_without_an_address_or_disabled_are_left_out(
    conversation_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    team = Team.objects.create(name="Accounts")
    reachable = agent_factory(email="ok@example.com")
    for agent in (
        reachable,
        agent_factory(),
        agent_factory(email="off@example.com", is_active=False),
    ):
        agent.teams.add(team)
    conversation = conversation_factory(team=team)
    assert list(recipients(conversation, WARNING)) == [reachable]
    assert list(recipients(conversation, BREACH)) == [reachable]


@pytest.mark.django_db
class TestMails:
    def test_a_warning_goes_to_the_assignee_in_their_language(
        self,
        conversation_factory: Callable[..., Conversation],
        agent_factory: Callable[..., Agent],
        policy: SlaPolicy,
        t0: datetime,
        run_tasks: Callable[[], None],
    ) -> None:
        team = Team.objects.create(name="Accounts")
        assignee = agent_factory(email="wu@example.com", language="zh-Hant")
        teammate = agent_factory(email="he@example.com")
        teammate.teams.add(team)
        conversation = _started(conversation_factory, t0, assignee=assignee, team=team)
        sweep.run(t0 + 21 * MINUTE)
        run_tasks()
        assert [m.to for m in mail.outbox] == [["wu@example.com"]]
        assert conversation.reference in mail.outbox[0].subject
        assert "即將到期" in mail.outbox[0].subject

    def test_a_warning_without_assignee_goes_to_the_team(
        self,
        conversation_factory: Callable[..., Conversation],
        agent_factory: Callable[..., Agent],
        policy: SlaPolicy,
        t0: datetime,
        run_tasks: Callable[[], None],
    ) -> None:
        team = Team.objects.create(name="Accounts")
        for address in ("he@example.com", "ma@example.com"):
            agent_factory(email=address, language="en").teams.add(team)
        agent_factory(email="other@example.com")  # not in the team
        _started(conversation_factory, t0, team=team)
        sweep.run(t0 + 21 * MINUTE)
        run_tasks()
        assert sorted(m.to[0] for m in mail.outbox) == ["he@example.com", "ma@example.com"]
        assert all("due soon" in m.subject for m in mail.outbox)

    def test_a_breach_also_reaches_the_supervisors(
        self,
        conversation_factory: Callable[..., Conversation],
        agent_factory: Callable[..., Agent],
        policy: SlaPolicy,
        t0: datetime,
        run_tasks: Callable[[], None],
    ) -> None:
        assignee = agent_factory(email="wu@example.com", language="en")
        agent_factory(role=Role.SUPERVISOR, email="boss@example.com", language="zh-Hans")
        agent_factory(email="bystander@example.com")
        _started(conversation_factory, t0, assignee=assignee)
        sweep.run(t0 + 31 * MINUTE)
        run_tasks()
        sent = {m.to[0]: m.subject for m in mail.outbox}
        assert set(sent) == {"wu@example.com", "boss@example.com"}
        assert "missed" in sent["wu@example.com"]
        assert "已超时" in sent["boss@example.com"]
