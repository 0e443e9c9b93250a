"""Escalation: L1 → L2 technical support → management, one tier at a time.

An escalation moves the conversation to the next tier's team (an EscalationRoute of its
team, else the default route; without any, it stays with its team, which sees the higher
tier), unassigns it so the next tier's queue picks it up, and keeps the record.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations import events
from kefu.conversations.models import Conversation, Tier
from kefu.conversations.router import router
from kefu.core import audit
from kefu.core.errors import EscalationRefused
from kefu.sla.clock import reclassified
from kefu.sla.models import Escalation, EscalationRoute


def next_tier(conversation: Conversation) -> Tier | None:
    """The tier above the conversation's, or None at the top."""
    return Tier(conversation.tier + 1) if conversation.tier < Tier.MANAGEMENT else None


def route_for(team_id: int | None, tier: Tier) -> EscalationRoute | None:
    routes = EscalationRoute.objects.filter(tier=tier).select_related("to_team")
    if team_id is not None:
        own = routes.filter(team_id=team_id).first()
        if own is not None:
            return own
    return routes.filter(team__isnull=True).first()


def escalate(
    *,
    conversation: Conversation,
    reason: str,
    agent: Agent | None = None,
    contact: Contact | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Move the conversation up one tier, by an agent, the customer, or (neither) a policy."""
    reason = reason.strip()
    if not reason:
        raise EscalationRefused(_("Say why the case needs a higher tier."))
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two escalations at once must not both move it up from the same tier.
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        tier = next_tier(conversation)
        if tier is None:
            raise EscalationRefused(_("This case is already with management."))
        route = route_for(conversation.team_id, tier)
        escalation = Escalation.objects.create(
            conversation=conversation,
            from_tier=conversation.tier,
            to_tier=tier,
            from_team_id=conversation.team_id,
            to_team=route.to_team if route else conversation.team,
            reason=reason,
            by_agent=agent,
            by_contact=contact,
            created_at=now,
        )
        conversation.tier = tier
        conversation.team_id = escalation.to_team_id
        conversation.assignee = None
        conversation.save(update_fields=["tier", "team", "assignee"])
        # Another team may mean another policy or calendar for the clocks.
        reclassified(conversation, now)
        audit.record(
            agent,
            "conversation.escalate",
            conversation,
            tier=int(tier),
            team=escalation.to_team_id,
            by_customer=contact is not None,
        )
        events.conversation_updated(conversation, "tier", "team", "assignee")
        router().slots_changed()
    return escalation
