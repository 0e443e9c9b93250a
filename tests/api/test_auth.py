"""Every endpoint needs a live token; the request acts as the token's agent."""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone

from kefu.agents.models import Agent
from kefu.api.actions import revoke_token
from kefu.api.models import ApiToken
from kefu.api.routers import api
from tests.api.conftest import bearer_client

# Values for path parameters: the token check must come before any look-up, so the
# objects need not exist.
_SAMPLE = {
    "reference": "K-000001",
    "attachment_id": "1",
    "contact_id": "1",
    "intent": "withdrawal_delayed",
    "token": "00000000-0000-4000-8000-000000000000",
    "case_uuid": "00000000-0000-4000-8000-000000000000",
    "kind": "email_code",
    "reply_id": "1",
}
_UNDOCUMENTED = {"openapi.json", "docs", ""}


def _operations(*, public: bool) -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    found: list[tuple[str, str]] = []
    for path, methods in schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: _SAMPLE[m.group(1)], path)
        found.extend(
            (method.upper(), url)
            for method, operation in methods.items()
            if bool(operation.get("security")) != public
        )
    return found


OPERATIONS = _operations(public=False)


def test_the_only_public_endpoints_are_verification_and_the_help_center() -> None:
    # A new endpoint without auth would otherwise silently skip the token tests below.
    flows = "/api/v1/help/flows"
    token = _SAMPLE["token"]
    assert _operations(public=True) == [
        ("GET", "/api/v1/verify"),
        ("GET", "/api/v1/help/search"),
        ("GET", flows),
        ("POST", f"{flows}/withdrawal_delayed/runs"),
        ("GET", f"{flows}/runs/{token}"),
        ("POST", f"{flows}/runs/{token}/answer"),
        ("POST", f"{flows}/runs/{token}/handoff"),
    ]


def test_the_operation_list_covers_every_route_of_the_api() -> None:
    # A route left out of the schema would also be left out of the token tests below.
    routes = {
        str(pattern.pattern) for pattern in api.urls[0] if isinstance(pattern, URLPattern)
    } - _UNDOCUMENTED
    documented = {
        re.sub(r"\{(\w+)\}", r"<\1>", path).removeprefix("/api/")
        for path in api.get_openapi_schema(path_prefix="/api/")["paths"]
    }
    assert routes == documented
    assert len(OPERATIONS) >= 15


def _call(client: Client, method: str, url: str) -> object:
    return client.generic(method, url, b"{}", content_type="application/json")


def _assert_unauthorized(response: object) -> None:
    assert response.status_code == 401  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), OPERATIONS)
class TestEveryEndpoint:
    def test_rejects_a_missing_token(self, method: str, url: str) -> None:
        _assert_unauthorized(_call(Client(), method, url))

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer kefu_wrong-token-that-was-never-issued",
            "Bearer ",
            "Basic dXNlcjpwYXNz",
            "kefu_no-scheme",
            "Bearer " + "kefu_" + "x" * 500,
        ],
    )
    def test_rejects_a_wrong_token(self, method: str, url: str, header: str) -> None:
        _assert_unauthorized(_call(Client(HTTP_AUTHORIZATION=header), method, url))

    def test_rejects_a_revoked_token(
        self, method: str, url: str, api_token: tuple[ApiToken, str], admin: Agent
    ) -> None:
        token, key = api_token
        revoke_token(actor=admin, token=token)
        _assert_unauthorized(_call(bearer_client(key), method, url))


@pytest.mark.django_db
class TestTokenLifecycle:
    def test_a_disabled_agent_disables_its_tokens(self, api_client: Client, agent: Agent) -> None:
        assert api_client.get("/api/v1/conversations").status_code == 200
        agent.is_active = False
        agent.save(update_fields=["is_active"])
        _assert_unauthorized(api_client.get("/api/v1/conversations"))

    def test_a_switched_off_inbox_disables_its_tokens(
        self, api_client: Client, api_token: tuple[ApiToken, str]
    ) -> None:
        inbox = api_token[0].inbox
        inbox.is_active = False
        inbox.save(update_fields=["is_active"])
        _assert_unauthorized(api_client.get("/api/v1/conversations"))

    def test_last_use_is_recorded_at_most_once_a_minute(
        self,
        api_client: Client,
        api_token: tuple[ApiToken, str],
        django_assert_num_queries: Callable[..., object],
    ) -> None:
        token = api_token[0]
        assert token.last_used_at is None
        api_client.get("/api/v1/conversations")
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None

        with django_assert_num_queries(2):  # the token and the (empty) page: no UPDATE
            api_client.get("/api/v1/conversations")
        token.refresh_from_db()
        assert token.last_used_at == first

        ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
        api_client.get("/api/v1/conversations")
        token.refresh_from_db()
        assert token.last_used_at is not None
        assert token.last_used_at > first - timedelta(seconds=1)
        assert token.last_used_at <= timezone.now()
