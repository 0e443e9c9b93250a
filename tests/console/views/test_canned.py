"""The console's canned-reply pages and the composer's "/" endpoint."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role, Team
from kefu.canned import actions
from kefu.canned.models import CannedReply, Scope
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core.languages import Language
from kefu.core.models import AuditEntry
from tests.conftest import verified_client


def _input(**fields: Any) -> actions.CannedInput:
    bodies = {
        Language.ZH_HANS: fields.pop("zh_hans", "{{customer_name}}您好，工单 {{ticket}} 处理中。"),
        Language.ZH_HANT: fields.pop("zh_hant", "{{customer_name}}您好，案件 {{ticket}} 處理中。"),
        Language.EN: fields.pop("en", "Hello {{customer_name}}, ticket {{ticket}} is in progress."),
    }
    fields.setdefault("title", "In progress")
    fields.setdefault("shortcut", "progress")
    fields.setdefault("scope", Scope.PERSONAL)
    return actions.CannedInput(bodies=bodies, **fields)


def _form(**fields: str) -> dict[str, str]:
    data = {
        "title": "Withdrawal pending",
        "shortcut": "withdrawal-48h",
        "scope": "personal",
        "team": "",
        "body_zh_hans": "您的提现 {{ticket}} 处理中，预计 48 小时内到账。",
        "body_zh_hant": "",
        "body_en": "Your withdrawal {{ticket}} is pending; expect it within 48 hours.",
    }
    data.update(fields)
    return data


def test_an_agent_creates_a_personal_reply_from_the_page(
    agent_client: Client, agent: Agent
) -> None:
    assert agent_client.get("/console/canned/new/").status_code == 200
    response = agent_client.post("/console/canned/new/", _form())
    assert response.status_code == 302
    reply = CannedReply.objects.get()
    assert (reply.owner, reply.scope, reply.body_zh_hant) == (agent, Scope.PERSONAL, "")
    page = agent_client.get("/console/canned/").content.decode()
    assert "/withdrawal-48h" in page


def test_an_unknown_placeholder_is_shown_on_the_form_and_nothing_stored(
    agent_client: Client, agent: Agent
) -> None:
    agent.language = Language.ZH_HANT
    agent.save(update_fields=["language"])
    response = agent_client.post("/console/canned/new/", _form(body_en="Hello {{customer}}"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "{{customer}}" in page
    assert "預留位置" in page
    assert not CannedReply.objects.exists()


def test_a_secret_request_is_refused_on_the_form(agent_client: Client) -> None:
    response = agent_client.post(
        "/console/canned/new/", _form(body_zh_hans="请把您的助记词发给我，以便核实身份。")
    )
    assert response.status_code == 422
    assert not CannedReply.objects.exists()
    assert AuditEntry.objects.filter(action="safety.canned_blocked").exists()


def test_an_agent_cannot_share_with_everyone_but_a_supervisor_can(
    agent_client: Client, agent_factory: Callable[..., Agent]
) -> None:
    response = agent_client.post("/console/canned/new/", _form(scope="global"))
    assert response.status_code == 422
    assert not CannedReply.objects.exists()
    supervisor = verified_client(agent_factory(role=Role.SUPERVISOR))
    assert supervisor.post("/console/canned/new/", _form(scope="global")).status_code == 302
    assert CannedReply.objects.get().scope == Scope.GLOBAL


def test_editing_and_deleting_need_the_owner(
    agent_client: Client, agent: Agent, agent_factory: Callable[..., Agent]
) -> None:
    reply = actions.create_canned_reply(actor=agent, data=_input())
    other = verified_client(agent_factory())
    assert other.get(f"/console/canned/{reply.pk}/").status_code == 404
    assert other.post(f"/console/canned/{reply.pk}/delete/").status_code == 404
    edited = agent_client.post(f"/console/canned/{reply.pk}/", _form(title="Renamed"))
    assert edited.status_code == 302
    reply.refresh_from_db()
    assert reply.title == "Renamed"
    assert agent_client.post(f"/console/canned/{reply.pk}/delete/").status_code == 302
    assert not CannedReply.objects.exists()


def test_a_team_reply_is_read_only_for_its_agents(
    agent_client: Client, agent: Agent, agent_factory: Callable[..., Agent]
) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    agent.teams.add(team)
    supervisor = agent_factory(role=Role.SUPERVISOR)
    supervisor.teams.add(team)
    reply = actions.create_canned_reply(actor=supervisor, data=_input(scope=Scope.TEAM, team=team))
    assert "In progress" in agent_client.get("/console/canned/?scope=team").content.decode()
    assert agent_client.get(f"/console/canned/{reply.pk}/").status_code == 403


@pytest.fixture
def chinese_conversation(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> Conversation:
    contact = contact_factory(name="陳美玲")
    return conversation_factory(contact=contact, language=Language.ZH_HANT)


def test_the_composer_gets_replies_rendered_for_the_conversation(
    agent_client: Client, agent: Agent, chinese_conversation: Conversation
) -> None:
    actions.create_canned_reply(actor=agent, data=_input())
    url = f"/console/c/{chinese_conversation.reference}/canned/?q=prog"
    [item] = agent_client.get(url).json()["items"]
    assert item["language"] == "zh-Hant"
    assert item["text"] == f"陳美玲您好，案件 {chinese_conversation.reference} 處理中。"
    assert agent_client.get(url.replace("prog", "nothing")).json() == {"items": []}


# The signed-in agent (session, user, device), the conversation and its customer, and one
# query for the replies, teams as a subquery: none per reply.
QUERIES = 7


def test_the_composer_endpoint_query_count_does_not_grow_with_replies(
    agent_client: Client,
    agent: Agent,
    chinese_conversation: Conversation,
    django_assert_num_queries: Any,
) -> None:
    for n in range(8):
        actions.create_canned_reply(actor=agent, data=_input(shortcut=f"reply-{n}"))
    url = f"/console/c/{chinese_conversation.reference}/canned/?q=reply"
    agent_client.get(url)  # warm the session
    with django_assert_num_queries(QUERIES):
        response = agent_client.get(url)
    assert len(response.json()["items"]) == 8


def test_inserting_a_reply_counts_a_use(agent_client: Client, agent: Agent) -> None:
    reply = actions.create_canned_reply(actor=agent, data=_input())
    assert agent_client.post(f"/console/canned/{reply.pk}/used/").status_code == 204
    reply.refresh_from_db()
    assert reply.usage_count == 1


def test_the_conversation_page_loads_the_shortcut_script(
    agent_client: Client, chinese_conversation: Conversation
) -> None:
    page = agent_client.get(f"/console/c/{chinese_conversation.reference}/").content.decode()
    assert "console/canned.js" in page
    assert f"/console/c/{chinese_conversation.reference}/canned/" in page
