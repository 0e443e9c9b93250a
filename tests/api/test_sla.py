"""SLA in the API: the `sla` fields of a conversation, the SLA filters and sort of the list,
and GET /api/v1/conversations/{reference}/sla with clocks, events and escalations."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent, Role, Team
from kefu.api.models import ApiToken
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Tier
from kefu.sla.models import Clock, Escalation, EventKind, SlaEvent, SlaPolicy, Target
from tests.api.conftest import bearer_client

START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_a_conversation_without_a_policy_has_empty_sla_fields(
    api_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    body = api_client.get(f"/api/v1/conversations/{conversation.reference}").json()
    assert body["sla"] == {"due_at": None, "target": None, "breached": False, "tier": 1}


def test_the_next_deadline_its_target_the_breach_and_the_tier(
    api_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(
        sla_due_at=START,
        sla_due_target=Target.NEXT_RESPONSE,
        sla_breached=True,
        tier=Tier.MANAGEMENT,
    )
    body = api_client.get(f"/api/v1/conversations/{conversation.reference}").json()
    assert body["sla"] == {
        "due_at": "2026-12-01T01:00:00Z",
        "target": "next_response",
        "breached": True,
        "tier": 3,
    }


def _references(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


def test_the_list_filters_due_soon_and_breached_and_sorts_by_deadline(
    api_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    now = timezone.now()
    none = conversation_factory()
    soon = conversation_factory(
        sla_due_at=now + timedelta(minutes=20), sla_due_target=Target.FIRST_RESPONSE
    )
    later = conversation_factory(
        sla_due_at=now + timedelta(hours=3), sla_due_target=Target.RESOLUTION
    )
    missed = conversation_factory(
        sla_due_at=now - timedelta(hours=1),
        sla_due_target=Target.RESOLUTION,
        sla_breached=True,
    )
    url = "/api/v1/conversations"
    assert _references(api_client.get(url, {"sla": "due_soon"})) == [soon.reference]
    assert _references(api_client.get(url, {"sla": "breached"})) == [missed.reference]
    assert _references(api_client.get(url, {"sort": "deadline"})) == [
        missed.reference,
        soon.reference,
        later.reference,
        none.reference,
    ]
    assert _references(api_client.get(url))[0] == missed.reference  # newest first


def test_bad_sla_filter_values_are_refused(api_client: Client) -> None:
    response = api_client.get("/api/v1/conversations", {"sla": "late", "sort": "soonest"})
    assert response.status_code == 422
    fields = {f["field"]: f["code"] for f in response.json()["error"]["fields"]}
    assert fields == {"sla": "invalid_choice", "sort": "invalid_choice"}


def _history(conversation: Conversation, agent: Agent, contact: Contact) -> None:
    policy = SlaPolicy.objects.create(name="Email", first_response_minutes=60)
    clock = {"conversation": conversation, "policy": policy, "business": False}
    Clock.objects.create(
        **clock,
        target=Target.RESOLUTION,
        started_at=START,
        remaining=timedelta(hours=20, seconds=5),
        paused_at=START + timedelta(hours=1),
    )
    Clock.objects.create(
        **clock,
        target=Target.FIRST_RESPONSE,
        started_at=START,
        due_at=START + timedelta(hours=1),
        breached_at=START + timedelta(hours=1),
    )
    Clock.objects.create(
        **clock,
        target=Target.NEXT_RESPONSE,
        started_at=START,
        fulfilled_at=START + timedelta(minutes=9),
    )
    for kind, target, minutes in [
        (EventKind.BREACHED, Target.FIRST_RESPONSE, 60),
        (EventKind.STARTED, Target.FIRST_RESPONSE, 0),
        (EventKind.PAUSED, Target.RESOLUTION, 60),
    ]:
        SlaEvent.objects.create(
            conversation=conversation,
            policy=policy,
            target=target,
            kind=kind,
            at=START + timedelta(minutes=minutes),
            due_at=START + timedelta(hours=1),
        )
    chain = Team.objects.create(name="Chain desk", slug="chain")
    Escalation.objects.create(
        conversation=conversation,
        from_tier=Tier.L1,
        to_tier=Tier.L2,
        to_team=chain,
        reason="needs a node operator",
        by_agent=agent,
        created_at=START + timedelta(hours=2),
    )
    Escalation.objects.create(
        conversation=conversation,
        from_tier=Tier.L2,
        to_tier=Tier.MANAGEMENT,
        reason="open for a week",
        by_contact=contact,
        created_at=START + timedelta(hours=3),
    )
    Escalation.objects.create(
        conversation=conversation,
        from_tier=Tier.L2,
        to_tier=Tier.MANAGEMENT,
        reason="breach",
        created_at=START + timedelta(hours=4),
    )


def test_the_sla_endpoint_lists_clocks_and_events(
    api_client: Client,
    api_token: tuple[ApiToken, str],
    agent: Agent,
    conversation_factory: Callable[..., Conversation],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    conversation = conversation_factory(
        sla_due_at=START + timedelta(hours=1),
        sla_due_target=Target.FIRST_RESPONSE,
        sla_breached=True,
        tier=Tier.MANAGEMENT,
    )
    _history(conversation, agent, conversation.contact)
    ApiToken.objects.filter(pk=api_token[0].pk).update(last_used_at=timezone.now())
    # token; the conversation, its tags and contact identities (the shared lookup);
    # clocks, events (an L1 token does not read the escalations)
    with django_assert_num_queries(6):
        response = api_client.get(f"/api/v1/conversations/{conversation.pk}/sla")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == conversation.reference
    assert (body["due_at"], body["target"], body["breached"], body["tier"]) == (
        "2026-12-01T02:00:00Z",
        "first_response",
        True,
        3,
    )
    assert [(c["target"], c["state"]) for c in body["clocks"]] == [
        ("first_response", "overdue"),
        ("next_response", "met"),
        ("resolution", "paused"),
    ]
    paused = body["clocks"][2]
    assert paused["remaining_seconds"] == 72005
    assert paused["due_at"] is None
    assert paused["business_time"] is False
    assert [(e["target"], e["kind"], e["at"]) for e in body["events"]] == [
        ("first_response", "started", "2026-12-01T01:00:00Z"),
        ("first_response", "breached", "2026-12-01T02:00:00Z"),
        ("resolution", "paused", "2026-12-01T02:00:00Z"),
    ]
    # Who moved a case up and why is for supervisors, as in the console.
    assert body["escalations"] == []


def test_a_supervisor_token_also_reads_the_escalations(
    token_for: Callable[..., tuple[ApiToken, str]],
    agent: Agent,
    agent_factory: Callable[..., Agent],
    conversation_factory: Callable[..., Conversation],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    conversation = conversation_factory()
    _history(conversation, agent, conversation.contact)
    token, key = token_for(agent_factory(role=Role.SUPERVISOR))
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    client = bearer_client(key)
    with django_assert_num_queries(7):  # the escalations (with teams and agents joined)
        body = client.get(f"/api/v1/conversations/{conversation.reference}/sla").json()
    assert [
        (e["from_tier"], e["to_tier"], e["to_team"], e["by"], e["agent_public_id"], e["reason"])
        for e in body["escalations"]
    ] == [
        (1, 2, "Chain desk", "agent", agent.public_id, "needs a node operator"),
        (2, 3, None, "customer", None, "open for a week"),
        (2, 3, None, "policy", None, "breach"),
    ]


@pytest.mark.parametrize("reference", ["K-999999", "nonsense", "K-0"])
def test_the_sla_of_an_unknown_conversation_is_404(api_client: Client, reference: str) -> None:
    response = api_client.get(f"/api/v1/conversations/{reference}/sla")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_sla_endpoint_needs_a_token(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory()
    response = Client().get(f"/api/v1/conversations/{conversation.reference}/sla")
    assert response.status_code == 401
