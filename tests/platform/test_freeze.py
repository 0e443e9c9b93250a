"""Agents freeze a customer's platform account from the conversation sidebar."""

import pytest

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.core.models import AuditEntry
from kefu.platform.models import DemoAccount


@pytest.fixture
def stolen(conversation_factory, contact_factory):
    contact = contact_factory(name="Alice")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-9")
    DemoAccount.objects.create(user_id="u-9", state="active")
    return conversation_factory(contact=contact, intent="account_stolen")


def test_an_agent_freezes_the_account_from_the_sidebar(agent_client, agent, stolen):
    page = agent_client.get(f"/console/c/{stolen.reference}/").content.decode()
    assert f"/console/c/{stolen.reference}/freeze/" in page
    response = agent_client.post(f"/console/c/{stolen.reference}/freeze/")
    assert response.status_code == 302
    account = DemoAccount.objects.get(user_id="u-9")
    assert account.state == "frozen"
    assert account.reason == "frozen_by_agent"
    assert account.reason_params == {"agent": agent.public_id, "conversation": stolen.reference}
    entry = AuditEntry.objects.get(action="platform.freeze")
    assert entry.actor == agent
    page = agent_client.get(f"/console/c/{stolen.reference}/").content.decode()
    assert "account-frozen" in page
    assert f"由客服 {agent.public_id} 在 {stolen.reference} 中冻结" in page
    assert f"/console/c/{stolen.reference}/freeze/" not in page


def test_a_failing_platform_says_to_freeze_by_hand(agent_client, stolen, settings):
    settings.KEFU_PLATFORM_CONNECTOR = "tests.platform.test_sidebar.BrokenConnector"
    response = agent_client.post(f"/console/c/{stolen.reference}/freeze/")
    assert response.status_code == 502
    assert "后台" in response.content.decode()  # "freeze it in the back office", zh-Hans
    assert DemoAccount.objects.get(user_id="u-9").state == "active"


def test_freezing_needs_a_linked_account(agent_client, conversation_factory):
    conversation = conversation_factory()
    response = agent_client.post(f"/console/c/{conversation.reference}/freeze/")
    assert response.status_code == 409


def test_freezing_is_a_post(agent_client, stolen):
    assert agent_client.get(f"/console/c/{stolen.reference}/freeze/").status_code == 405
