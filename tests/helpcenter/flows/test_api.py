import json
from typing import Any

import pytest
from django.test import Client

from kefu.contacts.models import Contact
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from tests.conftest import portal_client_for


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_a_widget_runs_a_flow_to_hand_off_without_a_token() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    flows = client.get("/api/v1/help/flows").json()
    assert {"intent": "deposit_missing", "title": "My deposit has not arrived"} in flows
    started = post(client, "/api/v1/help/flows/deposit_missing/runs", {"language": "zh-Hant"})
    assert started.status_code == 201
    run = started.json()
    assert run["step"]["kind"] == "info"
    assert run["title"] == "我的儲值還沒到帳"
    assert [c["value"] for c in run["step"]["choices"]][:2] == ["TRC20", "ERC20"]
    base = f"/api/v1/help/flows/runs/{run['token']}"
    run = post(client, f"{base}/answer", {"value": "TRC20"}).json()
    assert run["step"]["validator"] == "tx_hash"
    refused = post(client, f"{base}/answer", {"value": "12345"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_flow_input"
    run = post(client, f"{base}/answer", {"value": "ab" * 32}).json()
    assert run["step"]["id"] == "checklist"  # a visitor has no platform records to check
    run = post(client, f"{base}/answer", {"value": "help"}).json()
    assert run["needs_email"] is True
    # In the run's language, and asking for the address rather than claiming it was sent.
    assert "我們需要一個可以回覆您的電子郵件地址" in run["step"]["text"]
    refused = post(client, f"{base}/handoff", {"email": "chen@"})
    assert refused.status_code == 422
    assert FlowRun.objects.get().outcome == RunOutcome.IN_PROGRESS
    run = post(client, f"{base}/handoff", {"email": "chen@example.tw"}).json()
    assert run["outcome"] == "handoff"
    assert run["conversation"].startswith("K-")
    assert run["step"]["text"].startswith("我們已將您提供的所有資訊轉交給客服")
    assert FlowRun.objects.get().outcome == RunOutcome.HANDOFF


@pytest.mark.django_db
def test_unknown_flows_and_runs_are_404(platform_customer: Contact) -> None:
    client = Client()
    assert post(client, "/api/v1/help/flows/fees/runs", {}).status_code == 404
    assert client.get("/api/v1/help/flows/runs/nope").status_code == 404
    # A signed-in customer's run shows their records: not reachable by token alone.
    portal_client_for(platform_customer).post("/help/flows/withdrawal_delayed/")
    token = FlowRun.objects.get().token
    assert client.get(f"/api/v1/help/flows/runs/{token}").status_code == 404
