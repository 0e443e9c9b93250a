import json

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_public_help_endpoints_answer_any_site_without_credentials() -> None:
    client = Client(HTTP_ORIGIN="https://www.example-exchange.com")
    flows = client.get("/api/v1/help/flows")
    assert flows.status_code == 200
    assert flows["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in flows
    search = client.get("/api/v1/help/search", {"q": "提现", "language": "zh-Hans"})
    assert search["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_a_text_plain_post_is_read_as_json_so_the_widget_needs_no_preflight() -> None:
    client = Client(HTTP_ORIGIN="https://www.example-exchange.com")
    started = client.post(
        "/api/v1/help/flows/withdrawal_delayed/runs",
        json.dumps({"language": "en"}),
        content_type="text/plain",
    )
    assert started.status_code == 201
    assert started["Access-Control-Allow-Origin"] == "*"
    token = started.json()["token"]
    # A refused answer carries the header too: the widget shows the server's message.
    refused = client.post(
        f"/api/v1/help/flows/runs/{token}/answer",
        json.dumps({"value": "not-a-choice"}),
        content_type="text/plain",
    )
    assert refused.status_code == 422
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert refused.json()["error"]["message"]


def test_a_preflight_is_answered_for_the_help_endpoints_only() -> None:
    client = Client(
        HTTP_ORIGIN="https://www.example-exchange.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    preflight = client.options("/api/v1/help/flows/login_failed/runs")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight["Access-Control-Allow-Headers"]


@pytest.mark.django_db
def test_token_endpoints_stay_same_site() -> None:
    response = Client(HTTP_ORIGIN="https://evil.example").get("/api/v1/conversations")
    assert "Access-Control-Allow-Origin" not in response
