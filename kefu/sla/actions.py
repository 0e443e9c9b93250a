"""Writes of the SLA settings (policies and escalation routes), checked and audited."""

from django.db import transaction

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_role
from kefu.conversations.models import Conversation
from kefu.core import audit
from kefu.sla.models import Clock, EscalationRoute, SlaPolicy
from kefu.sla.policies import check

# Kept in the audit entry, so a changed target can be traced to who changed it.
_AUDITED = (
    "name",
    "position",
    "active",
    "channels",
    "priorities",
    "intents",
    "tags",
    "inbox_id",
    "team_id",
    "first_response_minutes",
    "first_response_business",
    "next_response_minutes",
    "next_response_business",
    "update_minutes",
    "update_business",
    "resolution_minutes",
    "resolution_business",
    "warn_before_minutes",
    "pause_on_hold",
    "escalate_on_breach",
)


def save_policy(actor: Agent, policy: SlaPolicy) -> SlaPolicy:
    """Store a new or changed policy (raises PolicyRejected when it is impossible).

    Conversations already running keep the deadlines they have; the policy applies to
    conversations opened or reclassified from now on.
    """
    require_role(actor, Role.SUPERVISOR)
    check(policy)
    created = policy.pk is None
    with transaction.atomic():
        policy.save()
        audit.record(
            actor,
            "sla.policy_create" if created else "sla.policy_change",
            policy,
            **{name: getattr(policy, name) for name in _AUDITED},
        )
    return policy


def delete_policy(actor: Agent, policy: SlaPolicy) -> None:
    """Remove a policy with its clocks (their events stay, for reports)."""
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        audit.record(actor, "sla.policy_delete", policy, name=policy.name)
        # The clocks go with the policy (one policy per conversation), so do the
        # deadlines copied from them.
        Conversation.objects.filter(
            pk__in=Clock.objects.filter(policy=policy).values("conversation_id")
        ).update(sla_due_at=None, sla_due_target="")
        policy.delete()


def save_route(actor: Agent, route: EscalationRoute) -> EscalationRoute:
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        route.save()
        audit.record(
            actor, "sla.route_save", route, team=route.team_id, tier=route.tier, to=route.to_team_id
        )
    return route


def delete_route(actor: Agent, route: EscalationRoute) -> None:
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        audit.record(actor, "sla.route_delete", route, team=route.team_id, tier=route.tier)
        route.delete()
