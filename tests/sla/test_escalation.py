"""Escalation by an agent, by the customer and by a policy, and what each leaves behind."""

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from kefu.agents.models import Agent, Team
from kefu.conversations.models import Conversation, Message, MessageKind, Status, Tier
from kefu.core.errors import EscalationRefused
from kefu.core.models import AuditEntry
from kefu.safety.outbound_guard import check_outbound
from kefu.sla.escalation import customer_may_ask, customer_notice, escalate, is_late
from kefu.sla.models import Escalation, EscalationRoute

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Refusals are read by whoever acts (agent, customer or admin), in their language.
    with translation.override("en"):
        yield


@pytest.fixture
def teams() -> dict[str, Team]:
    support = Team.objects.create(name="Support", slug="support")
    technical = Team.objects.create(name="Technical", slug="technical")
    management = Team.objects.create(name="Management", slug="management")
    EscalationRoute.objects.create(team=None, tier=Tier.L2, to_team=technical)
    EscalationRoute.objects.create(team=None, tier=Tier.MANAGEMENT, to_team=management)
    return {"support": support, "technical": technical, "management": management}


def _late(conversation: Conversation) -> Conversation:
    conversation.sla_due_at = timezone.now() - timedelta(minutes=5)
    conversation.sla_due_target = "first_response"
    conversation.save(update_fields=["sla_due_at", "sla_due_target"])
    return conversation


def _automatic(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(kind=MessageKind.OUTBOUND, author_agent__isnull=True))


def test_an_agent_escalates_to_the_next_tiers_team_and_unassigns(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = conversation_factory(team=teams["support"], assignee=agent)
    escalation = escalate(
        conversation=conversation, reason="链上确认异常，需要技术排查", agent=agent
    )
    # The caller's copy shows it at once (the console renders it next) …
    assert (conversation.tier, conversation.team, conversation.assignee) == (
        Tier.L2,
        teams["technical"],
        None,
    )
    # … and so does the database.
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
    assert conversation.team == teams["technical"]
    assert conversation.assignee is None
    assert (escalation.from_tier, escalation.to_tier) == (Tier.L1, Tier.L2)
    assert escalation.by_agent == agent
    assert escalation.by_contact is None
    entry = AuditEntry.objects.get(action="conversation.escalate")
    assert entry.actor == agent
    assert entry.target_id == str(conversation.pk)
    assert entry.data["tier"] == Tier.L2
    assert entry.data["by_customer"] is False
    assert entry.data["reason"] == "链上确认异常，需要技术排查"


def test_an_agent_may_escalate_a_case_that_is_not_late(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = conversation_factory()
    assert not is_late(conversation, timezone.now())
    escalate(conversation=conversation, reason="Needs a chain engineer", agent=agent)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2


def test_escalation_leaves_an_internal_note_with_the_reason_and_tells_the_customer(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = conversation_factory(language="en")
    escalate(conversation=conversation, reason="Stuck in the hot wallet", agent=agent)
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert "Stuck in the hot wallet" in note.text
    assert agent.display_name in note.text
    [notice] = _automatic(conversation)
    assert conversation.reference in notice.text
    assert "technical support team" in notice.text
    assert notice.seq is not None


@pytest.mark.parametrize(
    ("language", "technical", "management"),
    [
        ("en", "technical support team", "management for review"),
        ("zh-Hans", "技术支持团队", "管理层审核"),
        ("zh-Hant", "技術支援團隊", "管理層審核"),
    ],
)
def test_the_customer_is_told_in_their_language(
    conversation_factory: Callable[..., Conversation],
    agent: Agent,
    teams: dict[str, Team],
    language: str,
    technical: str,
    management: str,
) -> None:
    conversation = conversation_factory(language=language)
    escalate(conversation=conversation, reason="x", agent=agent)
    escalate(conversation=conversation, reason="y", agent=agent)
    first, second = sorted(_automatic(conversation), key=lambda m: m.pk)
    assert technical in first.text
    assert management in second.text


def test_nothing_goes_above_management(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = conversation_factory(tier=Tier.MANAGEMENT)
    with pytest.raises(EscalationRefused, match="already with management"):
        escalate(conversation=conversation, reason="again", agent=agent)
    assert not Escalation.objects.exists()


@pytest.mark.parametrize("status", [Status.RESOLVED, Status.CLOSED])
def test_a_resolved_or_closed_case_is_not_escalated(
    conversation_factory: Callable[..., Conversation],
    agent: Agent,
    teams: dict[str, Team],
    status: str,
) -> None:
    conversation = conversation_factory(status=status)
    with pytest.raises(EscalationRefused, match="resolved"):
        escalate(conversation=conversation, reason="why", agent=agent)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L1
    assert not Escalation.objects.exists()
    assert not _automatic(conversation)


def test_a_merged_case_is_not_escalated(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    target = conversation_factory()
    source = conversation_factory(merged_into=target, contact=target.contact)
    with pytest.raises(EscalationRefused, match="merged"):
        escalate(conversation=source, reason="why", agent=agent)


def test_a_reason_is_required_and_bounded(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = conversation_factory()
    with pytest.raises(EscalationRefused, match="Say why"):
        escalate(conversation=conversation, reason="   ", agent=agent)
    with pytest.raises(EscalationRefused, match="too long"):
        escalate(conversation=conversation, reason="x" * 1001, agent=agent)


def test_the_customer_may_escalate_a_late_case(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = _late(conversation_factory())
    escalation = escalate(
        conversation=conversation, reason="三天了还没人回复", contact=conversation.contact
    )
    assert escalation.by_contact == conversation.contact
    assert escalation.by_agent is None
    entry = AuditEntry.objects.get(action="conversation.escalate")
    assert entry.actor is None
    assert entry.data["by_customer"] is True
    assert entry.data["contact"] == conversation.contact.pk


def test_the_customer_may_escalate_a_breached_case_or_a_long_one_without_a_clock(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    breached = conversation_factory(sla_breached=True)
    escalate(conversation=breached, reason="late", contact=breached.contact)
    old = conversation_factory()
    Conversation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    old.refresh_from_db()
    escalate(conversation=old, reason="a day and nothing", contact=old.contact)
    assert Escalation.objects.filter(by_contact__isnull=False).count() == 2


def test_the_customer_is_refused_with_the_reason_when_not_late_and_not_unhappy(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = conversation_factory()
    conversation.sla_due_at = timezone.now() + timedelta(hours=2)
    conversation.save(update_fields=["sla_due_at"])
    with pytest.raises(EscalationRefused, match="not satisfied") as refused:
        escalate(conversation=conversation, reason="faster please", contact=conversation.contact)
    assert refused.value.status == 409
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L1
    assert not AuditEntry.objects.filter(action="conversation.escalate").exists()


def test_an_unhappy_customer_may_escalate_before_the_case_is_late(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = conversation_factory()
    escalate(
        conversation=conversation,
        reason="The answers do not help",
        contact=conversation.contact,
        unhappy=True,
    )
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2


def test_the_customer_escalates_once_per_tier(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = _late(conversation_factory())
    escalate(conversation=conversation, reason="first", contact=conversation.contact)
    # Sent back down by a supervisor: asking for the technical team again is refused.
    Conversation.objects.filter(pk=conversation.pk).update(tier=Tier.L1)
    conversation.refresh_from_db()
    assert not customer_may_ask(conversation)
    with pytest.raises(EscalationRefused, match="already asked"):
        escalate(conversation=conversation, reason="again", contact=conversation.contact)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L1
    # An agent may still move it up.
    escalate(conversation=conversation, reason="the customer is right", agent=agent)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2


def test_the_customer_may_then_ask_for_management_once(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = _late(conversation_factory())
    escalate(conversation=conversation, reason="first", contact=conversation.contact)
    conversation.refresh_from_db()
    assert customer_may_ask(conversation)
    escalate(conversation=conversation, reason="second", contact=conversation.contact)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.MANAGEMENT
    assert conversation.team == teams["management"]
    assert not customer_may_ask(conversation)


def test_the_database_refuses_a_second_customer_escalation_to_the_same_tier(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory()
    fields = {
        "conversation": conversation,
        "from_tier": Tier.L1,
        "to_tier": Tier.L2,
        "reason": "r",
        "by_contact": conversation.contact,
        "created_at": timezone.now(),
    }
    Escalation.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(**fields)
    # Agents are not limited by it.
    Escalation.objects.create(**{**fields, "by_contact": None})
    Escalation.objects.create(**{**fields, "by_contact": None})


def test_a_policy_escalates_with_no_agent_and_no_customer(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = conversation_factory()
    escalation = escalate(conversation=conversation, reason="First response target missed")
    assert escalation.by_agent is None
    assert escalation.by_contact is None
    entry = AuditEntry.objects.get(action="conversation.escalate")
    assert entry.actor is None
    assert entry.data["by_customer"] is False
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert "First response target missed" in note.text


def test_a_teams_own_route_wins_over_the_default(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    chain = Team.objects.create(name="Chain desk", slug="chain")
    EscalationRoute.objects.create(team=teams["support"], tier=Tier.L2, to_team=chain)
    conversation = conversation_factory(team=teams["support"])
    escalate(conversation=conversation, reason="chain", agent=agent)
    conversation.refresh_from_db()
    assert conversation.team == chain


def test_a_secret_in_the_customers_reason_is_removed(
    conversation_factory: Callable[..., Conversation], teams: dict[str, Team]
) -> None:
    conversation = _late(conversation_factory(language="en"))
    phrase = (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "abandon about"
    )
    escalation = escalate(
        conversation=conversation,
        reason=f"Nobody answers. My recovery phrase is {phrase}",
        contact=conversation.contact,
    )
    assert "abandon" not in escalation.reason
    assert "abandon" not in conversation.messages.get(kind=MessageKind.NOTE).text


def test_a_request_sent_twice_does_not_move_the_case_up_two_tiers(
    conversation_factory: Callable[..., Conversation], agent: Agent, teams: dict[str, Team]
) -> None:
    conversation = _late(conversation_factory())
    escalate(
        conversation=conversation,
        reason="late",
        contact=conversation.contact,
        from_tier=Tier.L1,
    )
    with pytest.raises(EscalationRefused, match="already been moved to Technical support"):
        escalate(
            conversation=conversation,
            reason="late",
            contact=conversation.contact,
            from_tier=Tier.L1,
        )
    with pytest.raises(EscalationRefused, match="already been moved"):
        escalate(conversation=conversation, reason="node", agent=agent, from_tier=Tier.L1)
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
    assert Escalation.objects.count() == 1


def test_a_case_waiting_for_the_customer_is_not_late_for_want_of_a_clock(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(status=Status.PENDING)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    conversation.refresh_from_db()
    assert not is_late(conversation, timezone.now())
    conversation.status = Status.OPEN
    assert is_late(conversation, timezone.now())


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("tier", [Tier.L2, Tier.MANAGEMENT])
def test_the_customers_notice_passes_the_outbound_guard(
    conversation_factory: Callable[..., Conversation], language: str, tier: Tier
) -> None:
    # It names the secrets support never asks for; the guard must see advice, not a request.
    conversation = conversation_factory(language=language)
    assert not check_outbound(customer_notice(conversation, tier), language).blocked
