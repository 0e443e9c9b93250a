"""Administrators edit SLA policies in the admin; saves go through kefu.sla.actions."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.core.models import AuditEntry
from kefu.sla.models import SlaPolicy
from tests.conftest import verified_client

URL = "/admin/sla/slapolicy/add/"
FORM = {
    "name": "VIP chat",
    "position": "5",
    "active": "on",
    "channels": '["webchat"]',
    "priorities": "[]",
    "intents": "[]",
    "tags": "[]",
    "first_response_minutes": "3",
    "next_response_minutes": "3",
    "warn_before_minutes": "1",
}


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


def test_an_administrator_adds_a_policy(admin_client: Client) -> None:
    assert admin_client.get(URL).status_code == 200
    response = admin_client.post(URL, FORM)
    assert response.status_code == 302
    policy = SlaPolicy.objects.get(name="VIP chat")
    assert policy.channels == ["webchat"]
    assert AuditEntry.objects.filter(action="sla.policy_create", target_id=str(policy.pk)).exists()


def test_an_impossible_policy_is_refused_on_the_form(admin_client: Client) -> None:
    response = admin_client.post(URL, {**FORM, "warn_before_minutes": "3"})
    assert response.status_code == 200
    assert "make it shorter than the smallest target (3 minutes)" in response.content.decode()
    assert not SlaPolicy.objects.filter(name="VIP chat").exists()
    response = admin_client.post(URL, {**FORM, "channels": '["fax"]'})
    assert "Unknown channel: fax." in response.content.decode()
