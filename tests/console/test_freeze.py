"""Agents freeze a customer's platform account from the conversation sidebar: with a
reason, a note and a confirmation; an L1 agent only on a stolen-account report; lifting
it only through a verification case."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoAccount
from kefu.verification.actions import FREEZE_REASONS
from tests.conftest import verified_client

REASON = next(iter(FREEZE_REASONS))


@pytest.fixture
def account_holder(contact_factory: Callable[..., Contact]) -> Contact:
    contact = contact_factory(name="Alice")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PLATFORM_USER, value="u-9")
    DemoAccount.objects.create(user_id="u-9", state="active")
    return contact


@pytest.fixture
def stolen(
    conversation_factory: Callable[..., Conversation], account_holder: Contact
) -> Conversation:
    return conversation_factory(contact=account_holder, intent="account_stolen")


@pytest.fixture
def delayed(
    conversation_factory: Callable[..., Conversation], account_holder: Contact
) -> Conversation:
    return conversation_factory(contact=account_holder, intent="withdrawal_delayed")


def _freeze(client: Client, conversation: Conversation, **data: object) -> tuple[int, str]:
    form = {
        "reason": REASON,
        "note": "Customer reports a login from abroad.",
        "confirmed": "on",
        **data,
    }
    response = client.post(f"/console/c/{conversation.reference}/freeze/", form)
    return response.status_code, response.content.decode()


def _state() -> str:
    return DemoAccount.objects.get(user_id="u-9").state


def test_an_l1_agent_freezes_a_stolen_account_and_the_timeline_says_so(
    agent_client: Client, agent: Agent, stolen: Conversation
) -> None:
    page = agent_client.get(f"/console/c/{stolen.reference}/").content.decode()
    assert f"/console/c/{stolen.reference}/freeze/" in page
    assert "I confirm: nothing will leave this account" in page
    status, _ = _freeze(agent_client, stolen)
    assert status == 302
    assert _state() == "frozen"
    page = agent_client.get(f"/console/c/{stolen.reference}/").content.decode()
    assert "account-frozen" in page
    assert "Customer reports a login from abroad." in page  # the note, in the timeline
    assert f"/console/c/{stolen.reference}/freeze/" not in page
    assert "Unfreezing needs an approved verification case." in page


def test_an_l1_agent_cannot_freeze_without_a_theft_report(
    agent_client: Client, delayed: Conversation
) -> None:
    page = agent_client.get(f"/console/c/{delayed.reference}/").content.decode()
    assert "Freezing needs L2 or a supervisor unless the customer reports a stolen account." in page
    assert f"/console/c/{delayed.reference}/freeze/" not in page
    status, _ = _freeze(agent_client, delayed)
    assert status == 403
    assert _state() == "active"


def test_an_l2_agent_freezes_on_any_conversation(
    agent_factory: Callable[..., Agent], delayed: Conversation
) -> None:
    client = verified_client(agent_factory(role=Role.L2, language="en"))
    assert (
        f"/console/c/{delayed.reference}/freeze/"
        in client.get(f"/console/c/{delayed.reference}/").content.decode()
    )
    status, _ = _freeze(client, delayed)
    assert status == 302
    assert _state() == "frozen"


def test_freezing_needs_the_confirmation(agent_client: Client, stolen: Conversation) -> None:
    status, body = _freeze(agent_client, stolen, confirmed="")
    assert status == 400
    assert "Confirm that you mean to freeze the account." in body
    assert _state() == "active"


def test_freezing_needs_a_note(agent_client: Client, stolen: Conversation) -> None:
    status, body = _freeze(agent_client, stolen, note="")
    assert status == 400
    assert "Write what happened before freezing the account." in body
    assert _state() == "active"


def test_freezing_needs_a_known_reason(agent_client: Client, stolen: Conversation) -> None:
    status, _ = _freeze(agent_client, stolen, reason="because")
    assert status == 400
    assert _state() == "active"


def test_a_failing_platform_is_a_clear_refusal(
    agent_client: Client, stolen: Conversation, settings: object
) -> None:
    settings.KEFU_PLATFORM_CONNECTOR = "tests.platform.test_sidebar.BrokenConnector"  # type: ignore[attr-defined]
    status, body = _freeze(agent_client, stolen)
    assert status in (400, 502)
    assert "platform" in body.lower()
    assert _state() == "active"


def test_freezing_needs_a_linked_account(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory(intent="account_stolen")
    status, _ = _freeze(agent_client, conversation)
    assert status in (400, 409)


def test_freezing_is_a_post(agent_client: Client, stolen: Conversation) -> None:
    assert agent_client.get(f"/console/c/{stolen.reference}/freeze/").status_code == 405


def test_there_is_no_unfreeze_endpoint(stolen: Conversation) -> None:
    with pytest.raises(Resolver404):
        resolve(f"/console/c/{stolen.reference}/unfreeze/")
