from decimal import Decimal

import pytest
from django.core.management import call_command

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.core.models import AuditEntry
from kefu.platform import actions
from kefu.platform.connector import (
    AccountState,
    PlatformConnector,
    Reason,
    TransferKind,
    TransferStatus,
    UnknownCustomer,
)
from kefu.platform.demo import DemoConnector
from kefu.platform.registry import connector
from kefu.platform.selectors import customer_context, find_transfer
from tests.conftest import worker_shares_test_connection


@pytest.fixture
def demo(db: None) -> None:
    with worker_shares_test_connection():
        call_command("demo")


def zhang_wei() -> ContactIdentity:
    return ContactIdentity.objects.get(kind=IdentityKind.EMAIL, value="zhang.wei@example.com")


def test_the_setting_picks_the_connector(settings) -> None:
    settings.KEFU_PLATFORM_CONNECTOR = "kefu.platform.demo.DemoConnector"
    backend: PlatformConnector = connector()
    assert isinstance(backend, DemoConnector)


@pytest.mark.usefixtures("demo")
class TestDemoPlatform:
    def test_demo_contacts_are_linked_to_platform_accounts(self) -> None:
        contact = zhang_wei().contact
        identity = contact.identities.get(kind=IdentityKind.PLATFORM_USER)
        assert identity.value == "u-10001"

    def test_withdrawal_under_review_with_its_reason(self) -> None:
        (w1042,) = [w for w in DemoConnector().withdrawals("u-10001") if w.reference == "W-1042"]
        assert w1042.kind == TransferKind.WITHDRAWAL
        assert w1042.status == TransferStatus.UNDER_REVIEW
        assert (w1042.asset, w1042.amount, w1042.network) == ("USDT", Decimal("500"), "TRC20")
        assert w1042.reason == Reason("large_amount", {"threshold": "300 USDT"})

    def test_transfers_are_newest_first_and_split_by_kind(self) -> None:
        backend = DemoConnector()
        withdrawals = backend.withdrawals("u-10001")
        assert [w.reference for w in withdrawals] == ["W-1042", "W-0977"]
        assert [d.reference for d in backend.deposits("u-10001")] == ["D-5120"]
        assert withdrawals[1].tx_hash
        assert withdrawals[1].completed_at is not None

    def test_locked_account_and_failed_sign_ins(self) -> None:
        backend = DemoConnector()
        status = backend.account_status("u-10005")
        assert status.state == AccountState.LOCKED
        assert status.reason == Reason("too_many_wrong_passwords")
        logins = backend.recent_logins("u-10005", limit=3)
        assert len(logins) == 3
        assert not any(login.succeeded for login in logins)

    def test_fee_schedule_lists_networks(self) -> None:
        fees = DemoConnector().fee_schedule()
        trc20 = [n for n in fees.networks if (n.asset, n.network) == ("USDT", "TRC20")]
        assert trc20[0].withdrawal_fee == Decimal("1")

    def test_unknown_customer_is_an_error(self) -> None:
        with pytest.raises(UnknownCustomer):
            DemoConnector().account_status("u-nobody")

    def test_find_transfer_by_reference_or_hash(self) -> None:
        found = find_transfer("u-10001", " w-1042 ")
        assert found is not None
        assert found.reference == "W-1042"
        by_hash = find_transfer("u-10001", "9f3a" * 16)
        assert by_hash is not None
        assert by_hash.reference == "W-0977"
        assert find_transfer("u-10001", "W-9999") is None

    def test_freeze_account_freezes_audits_and_refreshes_the_cache(self) -> None:
        contact = zhang_wei().contact
        before = customer_context(contact)
        assert before is not None
        assert before.account is not None
        assert before.account.state == AccountState.ACTIVE
        status = actions.freeze_account(contact=contact, reason=Reason("reported_stolen"))
        assert status is not None
        assert status.state == AccountState.FROZEN
        after = customer_context(contact)
        assert after is not None
        assert after.account is not None
        assert after.account.state == AccountState.FROZEN
        assert after.account.reason == Reason("reported_stolen")
        assert AuditEntry.objects.get(action="platform.freeze").data["reason"] == "reported_stolen"

    def test_context_is_cached(self, django_assert_num_queries) -> None:
        contact = zhang_wei().contact
        customer_context(contact)
        with django_assert_num_queries(1):  # the identity look-up only
            context = customer_context(contact)
        assert context is not None
        assert context.withdrawals[0].reference == "W-1042"


@pytest.mark.django_db
def test_a_contact_without_a_platform_id_has_no_context(contact_factory) -> None:
    contact = contact_factory()
    assert customer_context(contact) is None
    assert actions.freeze_account(contact=contact, reason=Reason("reported_stolen")) is None
