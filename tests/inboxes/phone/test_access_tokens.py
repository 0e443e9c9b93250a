"""The browser phone's Voice SDK token: for signed-in agents, with the line's grants."""

from typing import Any

import jwt
import pytest
from django.test import Client
from django.urls import reverse

from kefu.agents.models import Agent
from kefu.inboxes.phone.models import PhoneLine
from tests.conftest import verified_client
from tests.inboxes.phone.conftest import ACCOUNT_SID

pytestmark = pytest.mark.django_db

API_KEY = "SK" + "f" * 32
API_SECRET = "a-secret-only-the-server-knows"
APP_SID = "AP" + "e" * 32


@pytest.fixture
def browser_line(phone_line: PhoneLine) -> PhoneLine:
    phone_line.api_key_sid = API_KEY
    phone_line.api_key_secret = API_SECRET
    phone_line.twiml_app_sid = APP_SID
    phone_line.save()
    return phone_line


def test_the_token_names_the_agent_and_grants_incoming_and_outgoing_calls(
    browser_line: PhoneLine, agent: Agent, agent_client: Client
) -> None:
    response = agent_client.get(reverse("phone:token"))
    assert response.status_code == 200
    body = response.json()
    assert body["identity"] == f"agent-{agent.public_id}"
    claims: dict[str, Any] = jwt.decode(body["token"], API_SECRET, algorithms=["HS256"])
    assert claims["iss"] == API_KEY
    assert claims["sub"] == ACCOUNT_SID
    assert claims["exp"] - claims["nbf"] == 3600
    grants = claims["grants"]
    assert grants["identity"] == f"agent-{agent.public_id}"
    assert grants["voice"] == {
        "incoming": {"allow": True},
        "outgoing": {"application_sid": APP_SID},
    }


def test_a_line_without_an_api_key_is_a_clear_400(
    phone_line: PhoneLine, agent_client: Client
) -> None:
    response = agent_client.get(reverse("phone:token"))
    assert response.status_code == 400
    assert response.json()["error"] == "no_browser_phone"
    assert phone_line.number in response.json()["message"]


def test_no_phone_line_is_404(agent_client: Client) -> None:
    response = agent_client.get(reverse("phone:token"))
    assert response.status_code == 404


def test_a_bad_line_id_is_400(browser_line: PhoneLine, agent_client: Client) -> None:
    assert agent_client.get(reverse("phone:token"), {"line": "one"}).status_code == 400
    assert agent_client.get(reverse("phone:token"), {"line": "999999"}).status_code == 404


def test_only_agents_past_both_sign_in_steps_get_a_token(
    browser_line: PhoneLine, agent: Agent
) -> None:
    assert Client().get(reverse("phone:token")).status_code == 403
    half_signed_in = Client()
    half_signed_in.force_login(agent)
    assert half_signed_in.get(reverse("phone:token")).status_code == 403
    agent.is_active = False
    agent.save()
    assert verified_client(agent).get(reverse("phone:token")).status_code == 403
