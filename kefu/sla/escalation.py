"""Escalation: L1 → L2 technical support → management, one tier at a time.

An escalation moves the conversation to the next tier's team (an EscalationRoute of its
team, else the default route; without any, it stays with its team, which sees the higher
tier), unassigns it so the next tier's queue picks it up, and keeps the record. The
customer is told on their channel, in their language; agents get an internal note with
the reason.

Agents escalate at any time with a reason. The customer may ask only when the case is
late (a target missed or passed, or a long wait with no clock running) or they say they
are unhappy, and once per tier: a customer who could escalate at will would route every
case to management.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations import events
from kefu.conversations.actions import send_automatic
from kefu.conversations.models import Conversation, Message, MessageKind, Status, Tier
from kefu.conversations.router import router
from kefu.core import audit
from kefu.core.errors import EscalationRefused
from kefu.core.languages import to_django
from kefu.safety.redaction import redact
from kefu.sla.models import Escalation, EscalationRoute

# With no clock running (no policy, or all paused), a case open this long counts as late.
CUSTOMER_WAIT_WITHOUT_CLOCK = timedelta(hours=24)
REASON_MAX_CHARS = 1000


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


def is_late(conversation: Conversation, now: datetime) -> bool:
    """Has the case gone past what was promised (the customer's reason to escalate)?"""
    if conversation.sla_breached:
        return True
    if conversation.sla_due_at is not None:
        return conversation.sla_due_at <= now
    if conversation.status == Status.PENDING:
        # Waiting for the customer's own answer: that wait is not support being late.
        return False
    return conversation.created_at <= now - CUSTOMER_WAIT_WITHOUT_CLOCK


def is_escalable(conversation: Conversation) -> bool:
    return (
        conversation.status not in (Status.RESOLVED, Status.CLOSED)
        and conversation.merged_into_id is None
        and next_tier(conversation) is not None
    )


def customer_asked_for(conversation: Conversation, tier: Tier) -> bool:
    return Escalation.objects.filter(
        conversation=conversation, to_tier=tier, by_contact__isnull=False
    ).exists()


def customer_may_ask(conversation: Conversation) -> bool:
    """Whether the portal offers the escalate form (the rule on lateness is checked on
    submission, so the customer reads why it was refused rather than seeing nothing)."""
    tier = next_tier(conversation)
    return (
        is_escalable(conversation)
        and tier is not None
        and not customer_asked_for(conversation, tier)
    )


def refusal(
    conversation: Conversation, *, by_customer: bool, unhappy: bool, now: datetime
) -> str | None:
    """Why this escalation is refused (translated), or None if it may go ahead."""
    if conversation.merged_into_id is not None:
        return _("This case was merged into another one; escalate that one instead.")
    if conversation.status in (Status.RESOLVED, Status.CLOSED):
        return _("This case is resolved. If the problem is back, write to us to reopen it.")
    tier = next_tier(conversation)
    if tier is None:
        return _("This case is already with management.")
    if not by_customer:
        return None
    if customer_asked_for(conversation, tier):
        return _("You have already asked for this case to go to %(tier)s.") % {"tier": tier.label}
    if not unhappy and not is_late(conversation, now):
        return _(
            "You can ask for a higher tier once we are late with this case, or if you are "
            "not satisfied with how it is being handled (tick that box and tell us why)."
        )
    return None


def customer_notice(conversation: Conversation, tier: Tier) -> str:
    """What the customer reads on their channel, in their language."""
    params = {"ref": conversation.reference}
    with translation.override(to_django(conversation.language)):
        if tier == Tier.MANAGEMENT:
            return (
                _(
                    "Your case %(ref)s has been passed to our management for review. We will "
                    "contact you here. Support never asks for your password, recovery phrase "
                    "or verification codes."
                )
                % params
            )
        return (
            _(
                "Your case %(ref)s has been passed to our technical support team. We will "
                "contact you here. Support never asks for your password, recovery phrase or "
                "verification codes."
            )
            % params
        )


def _agent_note(escalation: Escalation, agent: Agent | None, contact: Contact | None) -> str:
    # Agents read the console in the product's language; the note is written once.
    with translation.override(settings.LANGUAGE_CODE):
        tier = Tier(escalation.to_tier).label
        if agent is not None:
            who = agent.display_name or agent.username
            text = _("Escalated to %(tier)s by %(who)s. Reason: %(reason)s")
        elif contact is not None:
            who = ""
            text = _("The customer asked to escalate to %(tier)s. Reason: %(reason)s")
        else:
            who = ""
            text = _("Escalated to %(tier)s by the SLA policy. Reason: %(reason)s")
        return text % {"tier": tier, "who": who, "reason": escalation.reason}


def escalate(
    *,
    conversation: Conversation,
    reason: str,
    agent: Agent | None = None,
    contact: Contact | None = None,
    unhappy: bool = False,
    from_tier: int | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Move the conversation up one tier, by an agent, the customer, or (neither) a policy.

    `unhappy` is the customer saying they are not satisfied: it lets them escalate before
    the case is late. `from_tier` is the tier the person saw when they asked: a form sent
    twice (a double click, a second tab) must not move the case up two tiers.
    """
    # A customer may paste a secret into the reason, as into any message.
    reason = redact(reason.strip(), conversation.language).text
    if not reason:
        raise EscalationRefused(_("Say why the case needs a higher tier."))
    if len(reason) > REASON_MAX_CHARS:
        raise EscalationRefused(
            _("The reason is too long (at most %(limit)s characters).")
            % {"limit": REASON_MAX_CHARS}
        )
    now = now or timezone.now()
    with transaction.atomic():
        # Locked: two escalations at once must not both move it up from the same tier.
        given, conversation = (
            conversation,
            Conversation.objects.select_for_update().get(pk=conversation.pk),
        )
        if from_tier is not None and conversation.tier != from_tier:
            raise EscalationRefused(
                _("This case has already been moved to %(tier)s.")
                % {"tier": Tier(conversation.tier).label}
            )
        refused = refusal(conversation, by_customer=contact is not None, unhappy=unhappy, now=now)
        tier = next_tier(conversation)
        if refused is not None or tier is None:
            raise EscalationRefused(refused or _("This case is already with management."))
        route = route_for(conversation.team_id, tier)
        try:
            with transaction.atomic():
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
        except IntegrityError as duplicate:
            # The customer's once-per-tier rule, reached by a request racing the check.
            raise EscalationRefused(
                _("You have already asked for this case to go to %(tier)s.") % {"tier": tier.label}
            ) from duplicate
        conversation.tier = tier
        conversation.team_id = escalation.to_team_id
        conversation.assignee = None
        conversation.save(update_fields=["tier", "team", "assignee"])
        # The caller's copy shows the change too (a view renders it next).
        given.tier, given.team, given.assignee = tier, conversation.team, None
        audit.record(
            agent,
            "conversation.escalate",
            conversation,
            tier=int(tier),
            team=escalation.to_team_id,
            by_customer=contact is not None,
            contact=contact.pk if contact is not None else None,
            reason=reason,
        )
        note = Message.objects.create(
            conversation=conversation,
            kind=MessageKind.NOTE,
            text=_agent_note(escalation, agent, contact),
        )
        events.message_added(note)
        send_automatic(conversation=conversation, text=customer_notice(conversation, tier))
        events.conversation_updated(conversation, "tier", "team", "assignee")
        router().slots_changed()
    return escalation
