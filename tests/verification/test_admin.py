"""Policies seeded and editable in the admin; cases shown there read-only; jobs registered."""

from collections.abc import Callable

from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.conversations.models import Conversation
from kefu.core import scheduler
from kefu.verification import actions
from kefu.verification.models import CaseKind, CheckKind, VerificationPolicy
from kefu.verification.policy import DEFAULTS
from tests.conftest import verified_client


def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, language="en", is_superuser=True))


def test_the_migration_seeds_one_policy_per_kind(db: None) -> None:
    seeded = {policy.kind: policy for policy in VerificationPolicy.objects.all()}
    assert set(seeded) == set(CaseKind.values)
    unfreeze = seeded[CaseKind.UNFREEZE]
    assert unfreeze.required_checks == [check.value for check in DEFAULTS[CaseKind.UNFREEZE].checks]
    assert unfreeze.approver_role == Role.SUPERVISOR


def test_an_administrator_edits_a_policys_checks(agent_factory: Callable[..., Agent]) -> None:
    client = admin_client(agent_factory)
    policy = VerificationPolicy.objects.get(kind=CaseKind.UNLOCK)
    url = f"/admin/verification/verificationpolicy/{policy.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": CaseKind.UNLOCK, "required_checks": [CheckKind.EMAIL_CODE, CheckKind.SELFIE],
            "approver_role": Role.SUPERVISOR, "cool_down_hours": 2,
            "document_retention_days": 30, "max_code_attempts": 5, "max_knowledge_attempts": 3,
        },
    )  # fmt: skip
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.required_checks == [CheckKind.EMAIL_CODE, CheckKind.SELFIE]


def test_cases_are_read_only_in_the_admin(
    agent_factory: Callable[..., Agent], case_conversation: Conversation
) -> None:
    case = actions.open_case(
        conversation=case_conversation, agent=agent_factory(), kind=CaseKind.UNLOCK
    )
    client = admin_client(agent_factory)
    page = client.get(f"/admin/verification/verificationcase/{case.pk}/change/")
    assert page.status_code == 200
    assert b'name="state"' not in page.content
    assert client.get("/admin/verification/verificationcase/add/").status_code == 403


def test_execution_and_the_document_sweep_run_periodically() -> None:
    names = {job.name for job in scheduler.registered()}
    assert {"verification.execute_due", "verification.sweep_documents"} <= names
