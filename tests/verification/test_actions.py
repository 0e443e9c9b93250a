"""The verification case from opening to execution, against the demo back end."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations.actions import send_reply
from kefu.conversations.models import Conversation, Message, MessageKind
from kefu.core.models import AuditEntry
from kefu.platform.connector import ConnectorError, ErrorCode
from kefu.platform.demo import DemoConnector
from kefu.platform.models import DemoAccount, DemoChallenge, DemoIdempotency, DemoNotice
from kefu.verification import actions, selectors
from kefu.verification.actions import CaseRefused
from kefu.verification.models import (
    CaseKind,
    CaseState,
    CheckKind,
    CheckState,
    VerificationCase,
    VerificationCheck,
    VerificationPolicy,
)
from tests.verification.conftest import last_code

AgentFactory = Callable[..., Agent]


class UnavailableOnce(DemoConnector):
    """The platform is down for the first change it is asked to make, then answers."""

    failures = 0

    def execute_change(self, *args: Any, **kwargs: Any) -> Any:
        if UnavailableOnce.failures == 0:
            UnavailableOnce.failures += 1
            raise ConnectorError("503 from the back end", code=ErrorCode.UNAVAILABLE)
        return super().execute_change(*args, **kwargs)


class Down(DemoConnector):
    def send_code(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectorError("connection refused", code=ErrorCode.UNAVAILABLE)

    def freeze_account(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectorError("connection refused", code=ErrorCode.UNAVAILABLE)


def check(case: VerificationCase, kind: CheckKind) -> VerificationCheck:
    return case.checks.get(kind=kind)


def pass_code(case: VerificationCase, kind: CheckKind, channel: str) -> None:
    actions.send_code(check=check(case, kind), contact=case.contact)
    actions.submit_code(check=check(case, kind), contact=case.contact, code=last_code(channel))


def proposed_unlock(
    conversation: Conversation, owner: Agent, proposer: Agent | None = None
) -> VerificationCase:
    """An unlock case with every check passed, proposed by its owner."""
    case = actions.open_case(conversation=conversation, agent=owner, kind=CaseKind.UNLOCK)
    pass_code(case, CheckKind.EMAIL_CODE, "email")
    pass_code(case, CheckKind.PHONE_CODE, "phone")
    actions.refresh_platform_state(check=check(case, CheckKind.PLATFORM_STATE), agent=owner)
    return actions.propose(case=case, agent=proposer or owner, note="Codes on both contacts.")


@pytest.fixture
def locked_account(customer: Contact) -> DemoAccount:
    account = DemoAccount.objects.get(user_id="u-90001")
    account.state = "locked"
    account.save()
    return account


@pytest.fixture
def l1(agent_factory: AgentFactory) -> Agent:
    return agent_factory(role=Role.L1)


@pytest.fixture
def l2(agent_factory: AgentFactory) -> Agent:
    return agent_factory(role=Role.L2)


def test_open_case_needs_a_linked_platform_account(
    conversation_factory: Callable[..., Conversation], l1: Agent
) -> None:
    stranger = conversation_factory()
    with translation.override("en"), pytest.raises(CaseRefused, match="platform account"):
        actions.open_case(conversation=stranger, agent=l1, kind=CaseKind.UNLOCK)


def test_open_case_creates_the_policy_checks_once_and_holds_the_conversation(
    case_conversation: Conversation, l1: Agent, l2: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    assert sorted(case.checks.values_list("kind", flat=True)) == sorted(
        [CheckKind.EMAIL_CODE, CheckKind.PHONE_CODE, CheckKind.PLATFORM_STATE]
    )
    with pytest.raises(CaseRefused):
        actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    with pytest.raises(PermissionDenied):
        send_reply(conversation=case_conversation, agent=l2, text="I can take this")
    actions.cancel_by_agent(case=case, agent=l1, reason="Opened by mistake")
    send_reply(conversation=case_conversation, agent=l2, text="I can take this")


def test_a_code_goes_to_the_registered_contact_not_the_conversation_address(
    case_conversation: Conversation, l1: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    sent = actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    notice = DemoNotice.objects.get(template="verification_code")
    assert notice.destination == "registered@example.com"
    assert not DemoNotice.objects.filter(destination="says-it-is-me@example.net").exists()
    assert sent.destination_hint == "r***@example.com"
    assert sent.challenge_id
    assert sent.challenge_expires_at


def test_a_second_code_within_a_minute_is_refused(
    case_conversation: Conversation, l1: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    with translation.override("en"), pytest.raises(CaseRefused, match="seconds"):
        actions.send_code(check=check(case, CheckKind.EMAIL_CODE), contact=case.contact)
    assert DemoNotice.objects.filter(template="verification_code").count() == 1


def test_platform_down_when_sending_refuses_with_its_text_and_allows_a_retry(
    case_conversation: Conversation, l1: Agent, settings: Any
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    settings.KEFU_PLATFORM_CONNECTOR = f"{__name__}.Down"
    with translation.override("en"), pytest.raises(CaseRefused, match="could not be reached"):
        actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    assert check(case, CheckKind.EMAIL_CODE).last_sent_at is None


def test_a_wrong_code_says_how_many_tries_are_left_and_too_many_fail_the_check(
    case_conversation: Conversation, l1: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    with translation.override("en"), pytest.raises(CaseRefused, match="4 tries left"):
        actions.submit_code(
            check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code="000000"
        )
    for _ in range(3):
        with pytest.raises(CaseRefused):
            actions.submit_code(
                check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code="000000"
            )
    with translation.override("en"), pytest.raises(CaseRefused, match="Too many wrong codes"):
        actions.submit_code(
            check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code="000000"
        )
    assert check(case, CheckKind.EMAIL_CODE).state == CheckState.FAILED
    with pytest.raises(CaseRefused):
        actions.submit_code(
            check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code=last_code()
        )


def test_a_right_code_typed_in_full_width_with_spaces_passes(
    case_conversation: Conversation, l1: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in last_code())
    actions.submit_code(check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code=typed)
    assert check(case, CheckKind.EMAIL_CODE).state == CheckState.PASSED


def test_an_expired_code_asks_for_a_new_one(case_conversation: Conversation, l1: Agent) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    DemoChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with translation.override("en"), pytest.raises(CaseRefused, match="expired"):
        actions.submit_code(
            check=check(case, CheckKind.EMAIL_CODE), contact=case.contact, code=last_code()
        )
    assert check(case, CheckKind.EMAIL_CODE).state == CheckState.PENDING


def test_someone_elses_code_entry_is_refused(
    case_conversation: Conversation, l1: Agent, contact_factory: Callable[..., Contact]
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.EMAIL_CODE), agent=l1)
    with pytest.raises(PermissionDenied):
        actions.submit_code(
            check=check(case, CheckKind.EMAIL_CODE), contact=contact_factory(), code=last_code()
        )


def test_propose_lists_the_checks_not_passed(case_conversation: Conversation, l1: Agent) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    pass_code(case, CheckKind.EMAIL_CODE, "email")
    with translation.override("en"), pytest.raises(CaseRefused) as refused:
        actions.propose(case=case, agent=l1, note="ok")
    assert "Code sent to the registered phone" in str(refused.value)
    assert "registered email" not in str(refused.value)


def test_the_owner_cannot_approve_their_own_case(
    case_conversation: Conversation, l2: Agent
) -> None:
    case = proposed_unlock(case_conversation, l2)
    with pytest.raises(PermissionDenied):
        actions.approve(case=case, agent=l2, reason="Looks right")


def test_an_admin_who_proposed_cannot_approve(
    case_conversation: Conversation, agent_factory: AgentFactory
) -> None:
    admin = agent_factory(role=Role.ADMIN, is_superuser=True)
    case = proposed_unlock(case_conversation, admin)
    with pytest.raises(PermissionDenied):
        actions.approve(case=case, agent=admin, reason="I am the admin")
    assert VerificationCase.objects.get(pk=case.pk).state == CaseState.PROPOSED


def test_an_approver_below_the_policy_role_cannot_approve(
    case_conversation: Conversation, l1: Agent, agent_factory: AgentFactory
) -> None:
    case = proposed_unlock(case_conversation, l1)
    other_l1 = agent_factory(role=Role.L1)
    assert not selectors.can_decide(case, other_l1)
    assert list(selectors.review_queue(other_l1)) == []
    with pytest.raises(PermissionDenied):
        actions.approve(case=case, agent=other_l1, reason="Fine by me")


def test_approval_tells_the_registered_contacts_with_a_cancel_link(
    case_conversation: Conversation, l1: Agent, l2: Agent
) -> None:
    case = proposed_unlock(case_conversation, l1)
    assert selectors.can_decide(case, l2)
    assert list(selectors.review_queue(l2)) == [case]
    case = actions.approve(case=case, agent=l2, reason="Both codes confirmed")
    assert case.state == CaseState.APPROVED
    assert case.notified_at is not None
    assert case.executes_at is not None
    assert case.executes_at > timezone.now()
    notices = DemoNotice.objects.filter(template="change_pending")
    assert sorted(notices.values_list("destination", flat=True)) == [
        "+8613800138000",
        "registered@example.com",
    ]
    url = str(notices.first().params["cancel_url"])  # type: ignore[union-attr]
    assert "/verification/cancel/" in url
    assert url.endswith("/")


def cancel_token() -> str:
    notice = DemoNotice.objects.filter(template="change_pending").first()
    assert notice is not None
    return str(notice.params["cancel_url"]).rstrip("/").rsplit("/", 1)[-1]


def test_the_cancel_link_stops_the_change(
    case_conversation: Conversation, l1: Agent, l2: Agent, locked_account: DemoAccount
) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    assert actions.cancel_by_token(token="not-a-token") is None
    cancelled = actions.cancel_by_token(token=cancel_token())
    assert cancelled is not None
    assert cancelled.state == CaseState.CANCELLED
    actions.execute_due(timezone.now() + timedelta(days=2))
    locked_account.refresh_from_db()
    assert locked_account.state == "locked"
    assert Message.objects.filter(
        conversation=case_conversation, kind=MessageKind.NOTE, text__contains=case.reference
    ).exists()
    send_reply(conversation=case_conversation, agent=l2, text="Cancelled as you asked.")


def test_execution_waits_for_the_cool_down_then_runs_once(
    case_conversation: Conversation, l1: Agent, l2: Agent, locked_account: DemoAccount
) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    assert actions.execute_due() == ""
    later = timezone.now() + timedelta(hours=2)
    assert actions.execute_due(later) == "executed 1"
    assert actions.execute_due(later) == ""
    locked_account.refresh_from_db()
    assert locked_account.state == "active"
    case.refresh_from_db()
    assert case.state == CaseState.EXECUTED
    assert case.withdrawals_locked_until is not None
    assert DemoIdempotency.objects.filter(key=case.idempotency_key).count() == 1
    with translation.override("en"):
        sentences = [sentence for _event, sentence in selectors.steps(case)]
    assert any("Withdrawals are held until" in sentence for sentence in sentences)
    send_reply(conversation=case_conversation, agent=agent_other(l1), text="Done.")


def agent_other(agent: Agent) -> Agent:
    return Agent.objects.create_user(username=f"other-{agent.pk}", role=Role.L1)


def test_a_transient_failure_is_retried_and_the_change_made_once(
    case_conversation: Conversation, l1: Agent, l2: Agent, settings: Any
) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    settings.KEFU_PLATFORM_CONNECTOR = f"{__name__}.UnavailableOnce"
    UnavailableOnce.failures = 0
    later = timezone.now() + timedelta(hours=2)
    assert actions.execute_due(later) == "retry 1"
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.execution_attempts == 1
    assert actions.execute_due(later + timedelta(hours=1)) == "executed 1"
    assert actions.execute_due(later + timedelta(hours=2)) == ""
    assert DemoIdempotency.objects.filter(key=case.idempotency_key).count() == 1


def test_a_customer_lock_refuses_propose_and_approve(
    case_conversation: Conversation, l1: Agent, l2: Agent, locked_account: DemoAccount
) -> None:
    case = proposed_unlock(case_conversation, l1)
    locked_account.user_lock_until = timezone.now() + timedelta(days=3)
    locked_account.save()
    with translation.override("en"), pytest.raises(CaseRefused, match="locked their account"):
        actions.approve(case=case, agent=l2, reason="ok")
    assert VerificationCase.objects.get(pk=case.pk).state == CaseState.PROPOSED


def test_a_lock_set_after_approval_fails_the_execution_with_its_text(
    case_conversation: Conversation, l1: Agent, l2: Agent, locked_account: DemoAccount
) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    locked_account.user_lock_until = timezone.now() + timedelta(days=3)
    locked_account.save()
    assert actions.execute_due(timezone.now() + timedelta(hours=2)) == "failed 1"
    case.refresh_from_db()
    assert case.state == CaseState.FAILED
    assert case.failure_code == ErrorCode.USER_LOCK_ACTIVE
    with translation.override("en"):
        assert "locked their account" in selectors.steps(case)[-1][1]
    locked_account.refresh_from_db()
    assert locked_account.state == "locked"


def test_every_step_is_audited(case_conversation: Conversation, l1: Agent, l2: Agent) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    actions.execute_due(timezone.now() + timedelta(hours=2))
    logged = set(AuditEntry.objects.filter(target_id=str(case.pk)).values_list("action", flat=True))
    assert {
        "verification.opened", "verification.code_sent", "verification.check_passed",
        "verification.proposed", "verification.approved", "verification.notified",
        "verification.executed",
    } <= logged  # fmt: skip
    assert case.events.count() >= 9


def test_a_change_of_email_needs_the_new_address_and_executes_it(
    case_conversation: Conversation, l1: Agent, l2: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.CHANGE_EMAIL)
    with translation.override("en"), pytest.raises(CaseRefused, match="not an email"):
        actions.request_change(case=case, contact=case.contact, values={"email": "nope"})
    actions.request_change(case=case, contact=case.contact, values={"email": "New@Example.org"})
    case.checks.update(state=CheckState.PASSED)
    actions.propose(case=case, agent=l1, note="All checks")
    actions.approve(case=case, agent=l2, reason="ok")
    actions.execute_due(timezone.now() + timedelta(days=2))
    assert DemoAccount.objects.get(user_id="u-90001").email == "new@example.org"


def test_freeze_by_l1_only_on_the_stolen_intent(
    conversation_factory: Callable[..., Conversation], customer: Contact, l1: Agent
) -> None:
    locked = conversation_factory(contact=customer, intent="account_locked")
    with pytest.raises(PermissionDenied):
        actions.freeze(
            conversation=locked, agent=l1, reason="suspicious_activity", note="odd", confirmed=True
        )
    stolen = conversation_factory(contact=customer, intent="account_stolen")
    with translation.override("en"), pytest.raises(CaseRefused, match="Confirm"):
        actions.freeze(
            conversation=stolen, agent=l1, reason="reported_stolen", note="logins", confirmed=False
        )
    with pytest.raises(CaseRefused):
        actions.freeze(
            conversation=stolen, agent=l1, reason="reported_stolen", note=" ", confirmed=True
        )
    with pytest.raises(CaseRefused):
        actions.freeze(conversation=stolen, agent=l1, reason="because", note="x", confirmed=True)
    with translation.override("en"):
        status = actions.freeze(
            conversation=stolen, agent=l1, reason="reported_stolen",
            note="Logins from a new country", confirmed=True,
        )  # fmt: skip
    assert status.state == "frozen"
    note = Message.objects.get(conversation=stolen, kind=MessageKind.NOTE)
    assert "Account frozen by" in note.text
    assert "Logins from a new country" in note.text
    assert AuditEntry.objects.filter(action="verification.freeze").exists()


def test_the_approver_joins_the_hold_and_a_rejection_frees_the_conversation(
    case_conversation: Conversation, l1: Agent, l2: Agent, agent_factory: AgentFactory
) -> None:
    case = proposed_unlock(case_conversation, l1)
    third = agent_factory(role=Role.L2)
    with pytest.raises(PermissionDenied):
        send_reply(conversation=case_conversation, agent=l2, text="Reviewing")
    actions.reject(case=case, agent=l2, reason="The phone code came from another device")
    send_reply(conversation=case_conversation, agent=third, text="Rejected, sorry.")
    with translation.override("zh-hans"):
        assert selectors.steps(case)[-1][1] == "申请已被拒绝。"


def test_a_supervisor_may_cancel_and_approved_cases_wait_for_their_approver(
    case_conversation: Conversation, l1: Agent, l2: Agent, agent_factory: AgentFactory
) -> None:
    case = actions.approve(case=proposed_unlock(case_conversation, l1), agent=l2, reason="ok")
    send_reply(conversation=case_conversation, agent=l2, text="Approved, a day to wait.")
    with pytest.raises(PermissionDenied):
        actions.cancel_by_agent(case=case, agent=agent_factory(role=Role.L2), reason="no")
    supervisor = agent_factory(role=Role.SUPERVISOR)
    cancelled = actions.cancel_by_agent(case=case, agent=supervisor, reason="Customer called")
    assert cancelled.state == CaseState.CANCELLED
    with pytest.raises(CaseRefused):
        actions.cancel_by_customer(case=cancelled, contact=case.contact)


def test_without_any_notice_sent_nothing_executes_until_one_is(
    case_conversation: Conversation, l1: Agent, l2: Agent, locked_account: DemoAccount
) -> None:
    case = proposed_unlock(case_conversation, l1)
    DemoAccount.objects.filter(pk=locked_account.pk).update(email="", phone="")
    case = actions.approve(case=case, agent=l2, reason="ok")
    assert case.notified_at is None
    later = timezone.now() + timedelta(hours=2)
    assert actions.execute_due(later) == "unnotified 1"
    DemoAccount.objects.filter(pk=locked_account.pk).update(email="registered@example.com")
    assert actions.execute_due(later) == "notified 1"
    case.refresh_from_db()
    assert case.executes_at is not None
    assert case.executes_at > timezone.now() + timedelta(minutes=59)
    locked_account.refresh_from_db()
    assert locked_account.state == "locked"
    assert actions.execute_due(timezone.now() + timedelta(hours=2)) == "executed 1"


def test_the_customer_reads_the_steps_in_their_language(
    case_conversation: Conversation, l1: Agent
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    actions.send_code(check=check(case, CheckKind.PHONE_CODE), contact=case.contact)
    with translation.override("zh-hant"):
        sentences = [sentence for _event, sentence in selectors.steps(case)]
    assert sentences == ["已開啟驗證：解鎖帳戶。", "驗證碼已傳送到註冊聯絡方式 +86138****8000。"]


def test_a_new_phone_is_stored_in_e164_and_only_for_a_change_of_phone(
    case_conversation: Conversation, l1: Agent, contact_factory: Callable[..., Contact]
) -> None:
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.CHANGE_PHONE)
    with pytest.raises(PermissionDenied):
        actions.request_change(
            case=case, contact=contact_factory(), values={"phone": "13912345678"}
        )
    with pytest.raises(CaseRefused):
        actions.request_change(case=case, contact=case.contact, values={"phone": "call me"})
    changed = actions.request_change(
        case=case, contact=case.contact, values={"phone": "139 1234 5678"}
    )
    assert changed.requested_change == {"phone": "+8613912345678"}
    unlock = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    with pytest.raises(CaseRefused):
        actions.request_change(case=unlock, contact=case.contact, values={"phone": "13912345678"})


def test_an_approved_unfreeze_lifts_the_freeze_once(
    case_conversation: Conversation, l1: Agent, agent_factory: AgentFactory, customer: Contact
) -> None:
    DemoAccount.objects.filter(user_id="u-90001").update(state="frozen")
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNFREEZE)
    # The checks themselves are tested above; here, the decision and the execution.
    case.checks.update(state=CheckState.PASSED)
    actions.propose(case=case, agent=l1, note="All checks, documents reviewed")
    with pytest.raises(PermissionDenied):
        actions.approve(case=case, agent=agent_factory(role=Role.L2), reason="ok")
    actions.approve(case=case, agent=agent_factory(role=Role.SUPERVISOR), reason="ok")
    assert actions.execute_due(timezone.now() + timedelta(days=2)) == "executed 1"
    assert DemoAccount.objects.get(user_id="u-90001").state == "active"
    assert DemoIdempotency.objects.filter(key=case.idempotency_key).count() == 1


def test_freeze_needs_a_platform_account_and_reports_the_platform_down(
    conversation_factory: Callable[..., Conversation], customer: Contact, l2: Agent, settings: Any
) -> None:
    unlinked = conversation_factory(intent="account_stolen")
    with translation.override("en"), pytest.raises(CaseRefused, match="platform account"):
        actions.freeze(
            conversation=unlinked, agent=l2, reason="reported_stolen", note="x", confirmed=True
        )
    settings.KEFU_PLATFORM_CONNECTOR = f"{__name__}.Down"
    stolen = conversation_factory(contact=customer, intent="account_stolen")
    with translation.override("en"), pytest.raises(CaseRefused, match="could not be reached"):
        actions.freeze(
            conversation=stolen, agent=l2, reason="reported_stolen", note="x", confirmed=True
        )
    assert not Message.objects.filter(conversation=stolen, kind=MessageKind.NOTE).exists()


def test_codes_per_check_are_limited_by_the_policy(
    case_conversation: Conversation, l1: Agent
) -> None:
    VerificationPolicy.objects.filter(kind=CaseKind.UNLOCK).update(max_code_attempts=2)
    case = actions.open_case(conversation=case_conversation, agent=l1, kind=CaseKind.UNLOCK)
    for _ in range(2):
        actions.send_code(check=check(case, CheckKind.EMAIL_CODE), contact=case.contact)
        # A minute later, as far as the check knows.
        case.checks.update(last_sent_at=timezone.now() - timedelta(minutes=2))
    with translation.override("en"), pytest.raises(CaseRefused, match="No more codes"):
        actions.send_code(check=check(case, CheckKind.EMAIL_CODE), contact=case.contact)
    assert DemoNotice.objects.filter(template="verification_code").count() == 2
