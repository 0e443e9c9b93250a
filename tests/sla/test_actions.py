from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kefu.agents.models import Agent, Role, Team
from kefu.conversations.models import Conversation, Tier
from kefu.core.errors import PolicyRejected
from kefu.core.models import AuditEntry
from kefu.sla import actions
from kefu.sla import clock as sla_clock
from kefu.sla.models import EscalationRoute, SlaPolicy

pytestmark = pytest.mark.django_db


def test_a_supervisor_saves_a_policy_and_it_is_audited(
    agent_factory: Callable[..., Agent], policy_factory: Callable[..., SlaPolicy]
) -> None:
    supervisor = agent_factory(role=Role.SUPERVISOR)
    policy = SlaPolicy(name="VIP", tags=["vip"], first_response_minutes=10, warn_before_minutes=3)
    actions.save_policy(supervisor, policy)
    entry = AuditEntry.objects.get(action="sla.policy_create")
    assert entry.actor == supervisor
    assert entry.data["first_response_minutes"] == 10
    assert entry.data["tags"] == ["vip"]
    policy.first_response_minutes = 20
    actions.save_policy(supervisor, policy)
    assert AuditEntry.objects.get(action="sla.policy_change").data["first_response_minutes"] == 20


def test_an_impossible_policy_is_not_saved(
    agent_factory: Callable[..., Agent], policy_factory: Callable[..., SlaPolicy]
) -> None:
    policy = SlaPolicy(name="Broken", first_response_minutes=5, warn_before_minutes=5)
    with pytest.raises(PolicyRejected):
        actions.save_policy(agent_factory(role=Role.SUPERVISOR), policy)
    assert not SlaPolicy.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_agent_cannot_change_policies(
    agent: Agent, policy_factory: Callable[..., SlaPolicy]
) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_policy(agent, SlaPolicy(name="Mine", first_response_minutes=60))


def test_deleting_a_policy_clears_the_deadlines_it_set(
    agent_factory: Callable[..., Agent],
    policy: SlaPolicy,
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory()
    sla_clock.opened(conversation, timezone.now())
    conversation.refresh_from_db()
    assert conversation.sla_due_at is not None
    actions.delete_policy(agent_factory(role=Role.SUPERVISOR), policy)
    conversation.refresh_from_db()
    assert conversation.sla_due_at is None
    assert conversation.sla_due_target == ""
    assert AuditEntry.objects.filter(action="sla.policy_delete").count() == 1


def test_routes_are_saved_and_deleted_through_actions(agent_factory: Callable[..., Agent]) -> None:
    supervisor = agent_factory(role=Role.SUPERVISOR)
    route = EscalationRoute(tier=Tier.L2, to_team=Team.objects.create(name="Technical"))
    actions.save_route(supervisor, route)
    actions.delete_route(supervisor, route)
    assert not EscalationRoute.objects.exists()
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "sla.route_save",
        "sla.route_delete",
    ]
