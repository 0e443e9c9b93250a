"""/api/v1/canned-replies: list, create, get, replace, delete as the token's agent."""

from collections.abc import Callable

from django.test import Client

from kefu.agents.models import Agent, Role, Team
from kefu.api.models import ApiToken
from kefu.canned.models import CannedReply, Scope
from kefu.core.models import AuditEntry
from tests.api.conftest import bearer_client

BODY = {
    "title": "Withdrawal pending",
    "shortcut": "withdrawal-48h",
    "scope": "personal",
    "body_zh_hans": "您的提现 {{ticket}} 处理中，预计 48 小时内到账。",
    "body_en": "Your withdrawal {{ticket}} is pending; expect it within 48 hours.",
}


def test_create_get_list_replace_and_delete(api_client: Client, agent: Agent) -> None:
    client = api_client
    created = client.post("/api/v1/canned-replies", BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    reply = created.json()
    assert reply["languages"] == ["zh-Hans", "en"]
    assert reply["scope"] == "personal"
    url = f"/api/v1/canned-replies/{reply['id']}"
    assert client.get(url).json()["shortcut"] == "withdrawal-48h"
    listed = client.get("/api/v1/canned-replies?q=withd").json()["items"]
    assert [item["id"] for item in listed] == [reply["id"]]
    replaced = client.put(
        url, {**BODY, "title": "Pending withdrawal"}, content_type="application/json"
    )
    assert replaced.status_code == 200
    assert replaced.json()["title"] == "Pending withdrawal"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert not CannedReply.objects.exists()


def test_a_secret_request_is_refused_with_its_reasons(api_client: Client) -> None:
    response = api_client.post(
        "/api/v1/canned-replies",
        {**BODY, "body_en": "Please send me your recovery phrase to verify your account."},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "outbound_blocked"
    assert error["reasons"] == ["asks_recovery_phrase"]
    assert "English" in error["message"]
    assert not CannedReply.objects.exists()
    assert AuditEntry.objects.filter(action="safety.canned_blocked").exists()


def test_an_unknown_placeholder_is_refused_in_the_callers_language(
    api_token: tuple[ApiToken, str],
) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token[1]}", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    response = client.post(
        "/api/v1/canned-replies",
        {**BODY, "body_en": "Hi {{name}}"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "canned_reply_invalid"
    assert "{{name}}" in error["message"]
    assert "占位符" in error["message"]
    assert not CannedReply.objects.exists()


def test_an_agent_token_cannot_share_with_a_team(
    api_client: Client,
    token_for: Callable[..., tuple[ApiToken, str]],
    agent_factory: Callable[..., Agent],
) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    body = {**BODY, "scope": "team", "team": "payments"}
    refused = api_client.post("/api/v1/canned-replies", body, content_type="application/json")
    assert refused.status_code == 403
    supervisor = agent_factory(role=Role.SUPERVISOR)
    supervisor.teams.add(team)
    client = bearer_client(token_for(supervisor)[1])
    created = client.post("/api/v1/canned-replies", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["team"] == "payments"
    assert CannedReply.objects.get().scope == Scope.TEAM
    unknown = client.post(
        "/api/v1/canned-replies",
        {**body, "team": "nobody", "shortcut": "other"},
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_another_agents_personal_reply_is_not_found(
    api_client: Client,
    token_for: Callable[..., tuple[ApiToken, str]],
    agent_factory: Callable[..., Agent],
) -> None:
    created = api_client.post("/api/v1/canned-replies", BODY, content_type="application/json")
    other = bearer_client(token_for(agent_factory())[1])
    url = f"/api/v1/canned-replies/{created.json()['id']}"
    assert other.get(url).status_code == 404
    assert other.delete(url).status_code == 404
    assert other.get("/api/v1/canned-replies").json() == {"items": []}
