"""Sample platform customers for `kefu demo`, matching the demo contacts by email."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.platform.models import DemoAccount, DemoLogin, DemoTransfer

TRON = "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"
ETH = "0x4E83362442B8d1beC281594cEa3050c8EB01311C"


@dataclass(frozen=True)
class DemoTransferSpec:
    reference: str
    kind: str
    asset: str
    amount: str
    network: str
    status: str
    hours_ago: float
    tx_hash: str = ""
    reason: str = ""
    reason_params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    user_id: str
    name: str
    phone: str
    state: str = "active"
    reason: str = ""
    transfers: tuple[DemoTransferSpec, ...] = ()
    # (hours ago, ip, device, location, succeeded)
    logins: tuple[tuple[float, str, str, str, bool], ...] = ()
    # Days until a security lock the customer set themselves ends (0: none).
    user_lock_days: float = 0


T = DemoTransferSpec
HOME = (2.0, "183.62.10.7", "iPhone 15 · Kefu App 4.2.1", "Shenzhen, CN", True)

CUSTOMERS = (
    DemoCustomer("zhang.wei@example.com", "u-10001", "张伟", "+8613800138001", transfers=(
        T("W-1042", "withdrawal", "USDT", "500", "TRC20", "under_review", 6,
          reason="large_amount", reason_params=(("threshold", "300 USDT"),)),
        T("W-0977", "withdrawal", "USDT", "120", "TRC20", "completed", 240, tx_hash="9f3a" * 16),
        T("D-5120", "deposit", "USDT", "1000", "TRC20", "completed", 300, tx_hash="4b2e" * 16),
    ), logins=(HOME, (30, "183.62.10.7", "Chrome · Windows", "Shenzhen, CN", True))),
    DemoCustomer("lin.meiling@example.tw", "u-10002", "林美玲", "+886912345678", transfers=(
        T("D-5188", "deposit", "ETH", "0.5", "ERC20", "pending", 2, tx_hash="0x" + "7c1d" * 16),
        T("W-0990", "withdrawal", "USDT", "300", "ERC20", "rejected", 72,
          reason="address_checksum_failed"),
    ), logins=((1, "61.216.8.20", "Safari · macOS", "Taipei, TW", True),)),
    DemoCustomer("alice@example.com", "u-10003", "Alice Walker", "+447700900123", "frozen",
        "reported_stolen",
        transfers=(
            T("W-1051", "withdrawal", "BTC", "0.42", "BTC", "completed", 3,
              tx_hash="e3b0c442" * 8, reason="not_made_by_customer"),
        ),
        logins=(
            (3.2, "102.89.34.11", "Android · unknown", "Lagos, NG", True),
            (20, "86.12.4.90", "Firefox · Linux", "London, GB", True),
        ),
    ),
    DemoCustomer("bob@example.com", "u-10004", "Bob Smith", "+14155550123", logins=(HOME,)),
    DemoCustomer("zhao.min@example.cn", "u-10005", "赵敏", "+8613900139005", "locked",
        "too_many_wrong_passwords",
        logins=tuple((0.5 + n / 10, "117.136.0.5", "Kefu App 4.2.1", "Beijing, CN", False)
                     for n in range(5))),
    # Carol locked her own account settings for three days: support cannot shorten that.
    DemoCustomer("carol@example.com", "u-10006", "Carol Jones", "+14155550188", logins=(HOME,),
                 user_lock_days=3),
)  # fmt: skip


# The accounts the contract suite (kefu/platform/contract.py) expects; an exchange makes
# the same in its sandbox (docs/platform-connector.md).
SANDBOX = (
    DemoCustomer("sandbox-active@example.com", "sandbox-active", "Sandbox Active",
                 "+8613800000001", logins=(HOME,), transfers=(
        T("SW-0001", "withdrawal", "USDT", "100", "TRC20", "completed", 5, tx_hash="ab" * 32),
        T("SD-0001", "deposit", "USDT", "250.5", "TRC20", "completed", 48, tx_hash="cd" * 32),
    )),
    DemoCustomer("sandbox-locked@example.com", "sandbox-locked", "Sandbox Locked",
                 "+8613800000002", "locked", "too_many_wrong_passwords"),
    DemoCustomer("sandbox-user-lock@example.com", "sandbox-user-lock", "Sandbox User Lock",
                 "+8613800000003", user_lock_days=30),
    DemoCustomer("sandbox-no-phone@example.com", "sandbox-no-phone", "Sandbox No Phone", ""),
)  # fmt: skip


def load() -> None:
    """Create the sample accounts and link each to its demo contact by platform user id."""
    now = timezone.now()
    for spec in CUSTOMERS:
        _create(spec, now)
        email = ContactIdentity.objects.filter(kind=IdentityKind.EMAIL, value=spec.email).first()
        if email is not None:
            ContactIdentity.objects.get_or_create(
                kind=IdentityKind.PLATFORM_USER,
                value=spec.user_id,
                defaults={"contact_id": email.contact_id, "verified": True},
            )


def load_sandbox() -> None:
    """(Re)create the contract suite's accounts as new, whatever an earlier run changed."""
    now = timezone.now()
    DemoAccount.objects.filter(user_id__in=[spec.user_id for spec in SANDBOX]).delete()
    for spec in SANDBOX:
        _create(spec, now)


def _create(spec: DemoCustomer, now: datetime) -> None:
    account = DemoAccount.objects.create(
        user_id=spec.user_id,
        state=spec.state,
        reason=spec.reason,
        state_since=now - timedelta(hours=3) if spec.state != "active" else None,
        registered_name=spec.name,
        email=spec.email,
        phone=spec.phone,
        user_lock_until=now + timedelta(days=spec.user_lock_days) if spec.user_lock_days else None,
    )
    for t in spec.transfers:
        created = now - timedelta(hours=t.hours_ago)
        DemoTransfer.objects.create(
            account=account,
            reference=t.reference,
            kind=t.kind,
            asset=t.asset,
            amount=Decimal(t.amount),
            network=t.network,
            status=t.status,
            address=TRON if t.network == "TRC20" else ETH,
            tx_hash=t.tx_hash,
            reason=t.reason,
            reason_params=dict(t.reason_params),
            created_at=created,
            completed_at=created + timedelta(minutes=20) if t.status == "completed" else None,
        )
    for hours, ip, device, location, succeeded in spec.logins:
        DemoLogin.objects.create(
            account=account,
            at=now - timedelta(hours=hours),
            ip=ip,
            device=device,
            location=location,
            succeeded=succeeded,
        )
