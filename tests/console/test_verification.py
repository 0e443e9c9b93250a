"""Agents work verification cases from the conversation: the panel, the second approver,
documents for reviewers only, holds, and the reviewers' queue."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoAccount
from kefu.verification import actions
from kefu.verification.models import (
    CaseKind,
    CaseState,
    CheckKind,
    DocumentKind,
    VerificationCase,
    VerificationCheck,
)
from tests.conftest import verified_client
from tests.verification import conftest as verification
from tests.verification.conftest import DEPOSIT, LAST_REGION, REGISTERED_NAME, last_code

# The verification tests' customer with a demo platform account, and their conversation.
platform_account = verification.platform_account
customer = verification.customer
case_conversation = verification.case_conversation

# The smallest PNG a document check accepts as an image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _page(client: Client, conversation: Conversation) -> str:
    response = client.get(f"/console/c/{conversation.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def _post(client: Client, conversation: Conversation, step: str, **data: object) -> int:
    response = client.post(f"/console/c/{conversation.reference}/verification/{step}/", data)
    return response.status_code


def _check(case: VerificationCase, kind: CheckKind) -> VerificationCheck:
    return case.checks.get(kind=kind)


def _pass_codes(case: VerificationCase, owner: Agent) -> None:
    for kind, channel in ((CheckKind.EMAIL_CODE, "email"), (CheckKind.PHONE_CODE, "phone")):
        if not case.checks.filter(kind=kind).exists():
            continue
        check = actions.send_code(check=_check(case, kind), agent=owner)
        actions.submit_code(check=check, contact=case.contact, code=last_code(channel))


def _proposed_unlock(conversation: Conversation, owner: Agent) -> VerificationCase:
    """An unlock case whose checks all passed, proposed by `owner` (policy: L2 approves)."""
    case = actions.open_case(conversation=conversation, agent=owner, kind=CaseKind.UNLOCK)
    _pass_codes(case, owner)
    actions.refresh_platform_state(check=_check(case, CheckKind.PLATFORM_STATE), agent=owner)
    return actions.propose(case=case, agent=owner, note="Both codes and the state passed.")


@pytest.fixture
def l2(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L2, language="en")


@pytest.fixture
def other_l2(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L2, language="en")


@pytest.fixture
def other_l1(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L1, language="en")


def test_an_agent_opens_a_case_and_sees_its_checks(
    agent_client: Client, agent: Agent, case_conversation: Conversation
) -> None:
    page = _page(agent_client, case_conversation)
    assert "Open a verification case" in page
    assert _post(agent_client, case_conversation, "open", kind=CaseKind.UNLOCK) == 302
    case = VerificationCase.objects.get(conversation=case_conversation)
    assert case.owner == agent
    page = _page(agent_client, case_conversation)
    assert case.reference in page
    assert "Send code to the registered email" in page
    assert "Re-check account security state" in page
    # The customer's own page for the case, at the public address, to paste in a reply.
    assert f"{settings.SITE_URL}/portal/identity/{case.uuid}/" in page


def test_sending_a_code_from_the_panel_reaches_the_registered_email(
    agent_client: Client, agent: Agent, case_conversation: Conversation
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNLOCK)
    check = _check(case, CheckKind.EMAIL_CODE)
    status = _post(agent_client, case_conversation, "code", case=case.pk, check_id=check.pk)
    assert status == 302
    assert last_code("email")


def test_a_platform_that_is_down_is_a_clear_refusal(
    agent_client: Client, agent: Agent, case_conversation: Conversation, settings: object
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNLOCK)
    check = _check(case, CheckKind.EMAIL_CODE)
    settings.KEFU_PLATFORM_CONNECTOR = "tests.platform.test_sidebar.BrokenConnector"  # type: ignore[attr-defined]
    response = agent_client.post(
        f"/console/c/{case_conversation.reference}/verification/code/",
        {"case": case.pk, "check_id": check.pk},
    )
    assert response.status_code == 400
    assert "platform" in response.content.decode().lower()


def test_a_case_of_another_conversation_is_not_found(
    agent_client: Client,
    agent: Agent,
    case_conversation: Conversation,
    conversation_factory: Callable[..., Conversation],
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNLOCK)
    elsewhere = conversation_factory()
    status = _post(agent_client, elsewhere, "cancel", case=case.pk, reason="not mine")
    assert status == 404
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_the_panel_never_shows_what_only_the_customer_knows(
    agent_client: Client, agent: Agent, case_conversation: Conversation, customer: Contact
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.RESET_2FA)
    answers = {
        "registered_name": REGISTERED_NAME,
        "last_login_region": LAST_REGION,
        "recent_deposit": str(DEPOSIT),
    }
    knowledge = _check(case, CheckKind.KNOWLEDGE)
    actions.submit_answers(check=knowledge, contact=customer, answers=answers)
    for page in (
        _page(agent_client, case_conversation),
        agent_client.get(
            f"/console/c/{case_conversation.reference}/verification/"
        ).content.decode(),
    ):
        assert REGISTERED_NAME not in page
        assert LAST_REGION not in page
        assert str(DEPOSIT) not in page
        assert "3 of 3 correct" in page


def test_the_proposer_cannot_approve_their_own_case(
    l2: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    client = verified_client(l2)
    page = _page(client, case_conversation)
    assert f"console/c/{case_conversation.reference}/verification/approve/" not in page
    assert _post(client, case_conversation, "approve", case=case.pk, reason="looks fine") == 403
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED


def test_an_l1_reviewer_cannot_approve_a_case_needing_l2(
    l2: Agent, other_l1: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    client = verified_client(other_l1)
    assert "/verification/approve/" not in _page(client, case_conversation)
    assert _post(client, case_conversation, "approve", case=case.pk, reason="ok") == 403
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED


def test_a_second_l2_approves_from_the_panel(
    l2: Agent, other_l2: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    client = verified_client(other_l2)
    page = _page(client, case_conversation)
    assert "/verification/approve/" in page
    assert "Both codes and the state passed." in page
    status = _post(client, case_conversation, "approve", case=case.pk, reason="Codes match.")
    assert status == 302
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.decided_by == other_l2


def test_a_decision_needs_a_reason(
    l2: Agent, other_l2: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    response = verified_client(other_l2).post(
        f"/console/c/{case_conversation.reference}/verification/reject/", {"case": case.pk}
    )
    assert response.status_code == 400
    assert "Give the reason for your decision." in response.content.decode()


def _case_with_document(conversation: Conversation, owner: Agent) -> VerificationCase:
    case = actions.open_case(conversation=conversation, agent=owner, kind=CaseKind.RESET_2FA)
    upload = SimpleUploadedFile("front.png", PNG, content_type="image/png")
    actions.upload_document(
        case=case, contact=case.contact, kind=DocumentKind.ID_FRONT, upload=upload
    )
    return case


def test_documents_are_hidden_from_an_l1_agent(
    agent_client: Client, agent: Agent, case_conversation: Conversation
) -> None:
    case = _case_with_document(case_conversation, agent)
    document = case.documents.get()
    page = _page(agent_client, case_conversation)
    assert "Documents are visible to reviewers only." in page
    assert f"/console/verification/documents/{document.pk}/" not in page
    response = agent_client.get(f"/console/verification/documents/{document.pk}/")
    assert response.status_code == 403


def test_a_reviewer_views_a_document_that_is_never_cached(
    agent: Agent, l2: Agent, case_conversation: Conversation
) -> None:
    case = _case_with_document(case_conversation, agent)
    document = case.documents.get()
    client = verified_client(l2)
    assert f"/console/verification/documents/{document.pk}/" in _page(client, case_conversation)
    response = client.get(f"/console/verification/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_held_conversation_refuses_other_agents_with_a_clear_message(
    agent: Agent, other_l1: Agent, case_conversation: Conversation
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNLOCK)
    client = verified_client(other_l1)
    page = _page(client, case_conversation)
    assert f"Held for verification case {case.reference}" in page
    assert 'id="reply-form"' not in page
    response = client.post(f"/console/c/{case_conversation.reference}/reply/", {"text": "Hi"})
    assert response.status_code == 403
    assert case_conversation.reference in response.content.decode()
    response = client.post(f"/console/c/{case_conversation.reference}/note/", {"text": "x"})
    assert response.status_code == 403


def test_the_queue_lists_proposed_cases_for_a_reviewer_not_the_proposer(
    l2: Agent, other_l2: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    reviewer_page = verified_client(other_l2).get("/console/verification/").content.decode()
    assert case.reference in reviewer_page
    assert case_conversation.reference in reviewer_page
    badge = verified_client(other_l2).get("/console/verification/count/").content.decode()
    assert 'title="Cases awaiting your decision">1<' in badge
    own_badge = verified_client(l2).get("/console/verification/count/").content.decode()
    assert "badge" not in own_badge
    proposer_page = verified_client(l2).get("/console/verification/").content.decode()
    assert "Nothing awaits your decision." in proposer_page
    assert case.reference in proposer_page  # among the proposer's own open cases


def test_an_l1_agent_does_not_see_cases_needing_l2_in_the_queue(
    l2: Agent, other_l1: Agent, case_conversation: Conversation
) -> None:
    case = _proposed_unlock(case_conversation, l2)
    page = verified_client(other_l1).get("/console/verification/").content.decode()
    assert case.reference not in page


def test_opening_a_case_needs_a_linked_platform_account(
    agent_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    assert "Open a verification case" not in _page(agent_client, conversation)
    response = agent_client.post(
        f"/console/c/{conversation.reference}/verification/open/", {"kind": CaseKind.UNLOCK}
    )
    assert response.status_code == 400
    assert not VerificationCase.objects.exists()


def test_a_frozen_account_offers_an_unfreeze_case_not_a_button(
    agent_client: Client, case_conversation: Conversation
) -> None:
    DemoAccount.objects.filter(user_id="u-90001").update(state="frozen")
    page = _page(agent_client, case_conversation)
    assert "Unfreezing needs an approved verification case." in page
    assert 'name="kind" value="unfreeze"' in page


def test_an_open_unfreeze_case_replaces_the_button(
    agent_client: Client, agent: Agent, case_conversation: Conversation
) -> None:
    DemoAccount.objects.filter(user_id="u-90001").update(state="frozen")
    actions.open_case(conversation=case_conversation, agent=agent, kind=CaseKind.UNFREEZE)
    page = _page(agent_client, case_conversation)
    assert "Unfreezing needs an approved verification case." in page
    assert 'name="kind" value="unfreeze"' not in page
