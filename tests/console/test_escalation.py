"""The console's escalate button, the escalation history and the status-update templates."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role, Team
from kefu.conversations.models import Conversation, MessageKind, Status, Tier
from kefu.core.intents import Intent
from kefu.core.models import AuditEntry
from kefu.sla.escalation import escalate
from kefu.sla.models import Escalation, EscalationRoute, UpdateTemplate
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def technical_team() -> Team:
    team = Team.objects.create(name="Chain engineers", slug="chain")
    EscalationRoute.objects.create(team=None, tier=Tier.L2, to_team=team)
    return team


@pytest.fixture
def supervisor_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.SUPERVISOR, language="en"))


def _page(client: Client, conversation: Conversation) -> str:
    response = client.get(f"/console/c/{conversation.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_tier_and_an_escalate_button_for_the_next_one(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    body = _page(agent_client, conversation_factory())
    assert '<span class="badge tier-1">Support</span>' in body
    assert "Escalate to Technical support" in body
    assert 'name="reason"' in body


def test_management_has_no_escalate_button(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    body = _page(agent_client, conversation_factory(tier=Tier.MANAGEMENT))
    assert "Management" in body
    assert "Escalate to" not in body


def test_an_agent_escalates_with_a_reason(
    agent_client: Client,
    agent: Agent,
    conversation_factory: Callable[..., Conversation],
    technical_team: Team,
) -> None:
    conversation = conversation_factory(assignee=agent)
    response = agent_client.post(
        f"/console/c/{conversation.reference}/escalate/",
        {"reason": "Needs a look at the node"},
        headers=HTMX,
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
    assert conversation.team == technical_team
    assert conversation.assignee is None
    assert AuditEntry.objects.get(action="conversation.escalate").actor == agent
    body = response.content.decode()
    assert '<span class="badge tier-2">Technical support</span>' in body
    assert "Escalate to Management" in body
    assert "Needs a look at the node" in conversation.messages.get(kind=MessageKind.NOTE).text


def test_without_javascript_the_escalation_redirects_back(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    response = agent_client.post(
        f"/console/c/{conversation.reference}/escalate/", {"reason": "node"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/c/{conversation.reference}/"


def test_an_escalation_without_a_reason_is_refused(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    response = agent_client.post(
        f"/console/c/{conversation.reference}/escalate/", {"reason": ""}, headers=HTMX
    )
    assert response.status_code == 400
    assert "Say why the case needs a higher tier." in response.content.decode()
    assert not Escalation.objects.exists()


def test_escalating_a_resolved_case_is_refused_with_the_reason(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(status=Status.RESOLVED)
    response = agent_client.post(
        f"/console/c/{conversation.reference}/escalate/", {"reason": "x"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "This case is resolved." in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L1


def test_the_refusal_reads_in_the_agents_language(
    agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
) -> None:
    client = verified_client(agent_factory(language="zh-Hant"))
    client.cookies.load({"django_language": "zh-hant"})
    conversation = conversation_factory(tier=Tier.MANAGEMENT)
    response = client.post(
        f"/console/c/{conversation.reference}/escalate/", {"reason": "x"}, headers=HTMX
    )
    assert response.status_code == 409
    assert "此工單已由管理層處理。" in response.content.decode()


def test_supervisors_see_the_escalation_history_agents_do_not(
    agent_client: Client,
    agent: Agent,
    supervisor_client: Client,
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory()
    escalate(conversation=conversation, reason="Hot wallet stuck", agent=agent)
    supervisor_view = _page(supervisor_client, conversation)
    assert "Escalation history" in supervisor_view
    assert "Hot wallet stuck" in supervisor_view
    assert agent.display_name in supervisor_view
    agent_view = _page(agent_client, conversation)
    assert "Escalation history" not in agent_view


def test_the_agent_picks_a_status_update_for_the_case_and_language(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(language="en", intent=Intent.WITHDRAWAL_DELAYED)
    own = UpdateTemplate.objects.get(intent=Intent.WITHDRAWAL_DELAYED, language="en")
    general = UpdateTemplate.objects.get(intent="", language="en")
    other = UpdateTemplate.objects.get(intent=Intent.ACCOUNT_LOCKED, language="en")
    body = _page(agent_client, conversation)
    link = f"/console/c/{conversation.reference}/update/{{}}/"
    assert link.format(own.pk) in body
    assert link.format(general.pk) in body
    assert link.format(other.pk) not in body
    filled = agent_client.get(link.format(own.pk))
    assert filled.status_code == 200
    text = own.text.replace("{reference}", conversation.reference)
    assert text in filled.content.decode()


def test_a_status_update_of_another_language_is_not_filled_in(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(language="en")
    chinese = UpdateTemplate.objects.get(intent="", language="zh-Hans")
    response = agent_client.get(f"/console/c/{conversation.reference}/update/{chinese.pk}/")
    assert response.status_code == 404
    assert "does not fit this conversation" in response.content.decode()


def test_a_filled_in_status_update_is_sent_as_the_agents_reply(
    agent_client: Client, agent: Agent, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(language="zh-Hans", intent=Intent.ACCOUNT_LOCKED)
    template = UpdateTemplate.objects.get(intent=Intent.ACCOUNT_LOCKED, language="zh-Hans")
    text = template.text.replace("{reference}", conversation.reference)
    response = agent_client.post(
        f"/console/c/{conversation.reference}/reply/", {"text": text}, headers=HTMX
    )
    assert response.status_code == 200
    reply = conversation.messages.get(kind=MessageKind.OUTBOUND, author_agent=agent)
    assert reply.text == text


def test_the_button_pressed_twice_moves_the_case_up_once(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    assert '<input type="hidden" name="tier" value="1">' in _page(agent_client, conversation)
    url = f"/console/c/{conversation.reference}/escalate/"
    first = agent_client.post(url, {"reason": "node", "tier": "1"}, headers=HTMX)
    assert first.status_code == 200
    second = agent_client.post(url, {"reason": "node", "tier": "1"}, headers=HTMX)
    assert second.status_code == 409
    assert "already been moved to Technical support" in second.content.decode()
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
