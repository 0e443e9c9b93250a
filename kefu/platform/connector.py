"""What Kefu may ask the wallet/exchange back end about a customer, as typed records.

A deployment points `KEFU_PLATFORM_CONNECTOR` at a class implementing `PlatformConnector`
(the demo one over sample data is the default). Every method may raise `ConnectorError`;
callers show a clear message instead of failing, because the back end is someone else's
system and may be down.

Texts are not the back end's to write: why an account is locked or a withdrawal is under
review comes back as a `Reason`, a stable code with parameters
(`Reason("large_amount", {"threshold": "10000 USDT"})`), and Kefu words it in each
reader's language (kefu/platform/reasons.py lists the codes). A code Kefu does not know
is shown as the `text` the back end sent beside it, so a new code is never lost.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ErrorCode(StrEnum):
    """Why a call failed, as a stable code Kefu words in the reader's language.

    kefu/platform/errors.py holds the texts; a back end's own English never reaches a page.
    """

    UNAVAILABLE = "unavailable"  # down, 5xx, connection refused
    TIMEOUT = "timeout"
    UNKNOWN_CUSTOMER = "unknown_customer"
    BAD_SIGNATURE = "bad_signature"  # the back end refused Kefu's signature (wrong secret)
    USER_LOCK_ACTIVE = "user_lock_active"  # the customer's own security lock forbids it
    NO_REGISTERED_CONTACT = "no_registered_contact"  # no registered email/phone to send to
    CHALLENGE_NOT_FOUND = "challenge_not_found"
    INVALID_REQUEST = "invalid_request"  # the back end says the request is malformed
    CONFLICT = "conflict"  # the same idempotency key was used for a different request
    REFUSED = "refused"  # any other refusal by the back end's policy


# Codes that a retry of the same request may cure; the others are the back end's answer.
TRANSIENT = frozenset({ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT})


class ConnectorError(Exception):
    """The back end could not answer (down, timed out, refused).

    `code` says why (ErrorCode; a back end may send a code Kefu does not know, kept as a
    str); `params` fill its text (`{"until": "2026-12-08T10:00:00Z"}`).
    """

    def __init__(
        self,
        detail: str = "",
        *,
        code: str = ErrorCode.UNAVAILABLE,
        params: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or code)
        self.code = code
        self.params: Mapping[str, str] = dict(params or {})

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT


class UnknownCustomer(ConnectorError):
    """The back end has no customer with this id."""

    def __init__(self, user_id: str = "") -> None:
        super().__init__(user_id, code=ErrorCode.UNKNOWN_CUSTOMER, params={"user_id": user_id})


@dataclass(frozen=True)
class Reason:
    """Why an account or a transfer is in its state, for Kefu to put into words."""

    code: str  # stable, snake_case: "large_amount", "address_checksum_failed" …
    params: Mapping[str, str] = field(default_factory=dict)
    # The back end's own words, shown only when Kefu does not know the code.
    text: str = ""


class AccountState(StrEnum):
    ACTIVE = "active"
    LOCKED = "locked"  # temporary: wrong passwords, risk control; unlocked after checks
    FROZEN = "frozen"  # nothing may leave the account: stolen account, legal hold


class TransferStatus(StrEnum):
    PENDING = "pending"
    UNDER_REVIEW = "under_review"
    COMPLETED = "completed"
    REJECTED = "rejected"


class TransferKind(StrEnum):
    WITHDRAWAL = "withdrawal"
    DEPOSIT = "deposit"


@dataclass(frozen=True)
class AccountStatus:
    user_id: str
    state: AccountState
    reason: Reason | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class Transfer:
    reference: str  # the number the customer sees, e.g. W-1042
    kind: TransferKind
    asset: str
    amount: Decimal
    network: str
    status: TransferStatus
    created_at: datetime
    address: str = ""
    tx_hash: str = ""
    completed_at: datetime | None = None
    # Why it is under review or was rejected.
    reason: Reason | None = None


@dataclass(frozen=True)
class Login:
    at: datetime
    ip: str
    device: str
    location: str
    succeeded: bool = True


@dataclass(frozen=True)
class NetworkFee:
    asset: str
    network: str
    withdrawal_fee: Decimal
    minimum_withdrawal: Decimal


@dataclass(frozen=True)
class FeeSchedule:
    maker_percent: Decimal
    taker_percent: Decimal
    networks: tuple[NetworkFee, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SecurityState:
    """What the customer set and did themselves, which support must not override."""

    user_id: str
    # A lock the customer set on their own account (Kraken's Global Settings Lock): no
    # change until then, whoever asks; support cannot shorten it.
    user_lock_until: datetime | None = None
    last_security_change_at: datetime | None = None
    # Withdrawals held after a security change, per the platform's policy.
    withdrawals_locked_until: datetime | None = None
    # Masked registered contacts ("z***@example.com", "+86 138****8000"); "" when none.
    # Kefu never learns the addresses themselves: codes and notices go there by the platform.
    email_hint: str = ""
    phone_hint: str = ""


@dataclass(frozen=True)
class Deposit:
    asset: str
    amount: Decimal


@dataclass(frozen=True)
class AccountRecords:
    """What only the real customer should know, for Kefu to score their answers against.

    Read by `kefu.verification.knowledge` only, never stored or shown to an agent.
    """

    user_id: str
    registered_name: str
    last_login_region: str  # "Shenzhen, CN"
    recent_deposits: tuple[Deposit, ...] = ()


class ContactChannel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"


@dataclass(frozen=True)
class CodeChallenge:
    """A code the platform sent to a registered contact; Kefu never sees the code."""

    challenge_id: str
    channel: ContactChannel
    destination_hint: str  # masked: "z***@example.com"
    expires_at: datetime


class CodeResult(StrEnum):
    VALID = "valid"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # the platform's own attempt limit for this challenge


class ChangeKind(StrEnum):
    """The changes a verification case may have the platform execute.

    UNFREEZE goes to `unfreeze_account`, the others to `execute_change`.
    """

    UNLOCK = "unlock"
    UNFREEZE = "unfreeze"
    RESET_2FA = "reset_2fa"
    CHANGE_EMAIL = "change_email"
    CHANGE_PHONE = "change_phone"
    CHANGE_PERSONAL_INFO = "change_personal_info"
    RECOVER_ACCOUNT = "recover_account"


@dataclass(frozen=True)
class ChangeRequest:
    kind: ChangeKind
    # The new values the customer asked for ({"email": …}, {"phone": …}, {"name": …}).
    params: Mapping[str, str] = field(default_factory=dict)
    # Kefu's case reference, for the platform's own records.
    case_reference: str = ""


@dataclass(frozen=True)
class ChangeResult:
    user_id: str
    kind: ChangeKind
    executed_at: datetime
    # Withdrawals held after this change, per the platform's policy (typically 24 h).
    withdrawals_locked_until: datetime | None = None


class PlatformConnector(Protocol):
    def account_status(self, user_id: str) -> AccountStatus: ...

    def withdrawals(self, user_id: str, limit: int = 10) -> list[Transfer]: ...

    def deposits(self, user_id: str, limit: int = 10) -> list[Transfer]: ...

    def recent_logins(self, user_id: str, limit: int = 10) -> list[Login]: ...

    def fee_schedule(self) -> FeeSchedule: ...

    def freeze_account(
        self, user_id: str, reason: Reason, idempotency_key: str = ""
    ) -> AccountStatus:
        """Stop everything leaving the account at once (stolen-account case)."""
        ...

    def unfreeze_account(self, user_id: str, reason: Reason, idempotency_key: str) -> AccountStatus:
        """Lift a freeze; Kefu calls it only for an approved verification case."""
        ...

    def security_state(self, user_id: str) -> SecurityState: ...

    def account_records(self, user_id: str) -> AccountRecords: ...

    def send_code(
        self, user_id: str, channel: ContactChannel, purpose: str, idempotency_key: str
    ) -> CodeChallenge:
        """Send a one-time code to the customer's *registered* email or phone.

        There is no destination parameter on purpose: an address given in a conversation
        may be the attacker's. ConnectorError(NO_REGISTERED_CONTACT) when there is none.
        """
        ...

    def check_code(self, user_id: str, challenge_id: str, code: str) -> CodeResult: ...

    def notify(
        self,
        user_id: str,
        channel: ContactChannel,
        template: str,
        params: Mapping[str, str],
        idempotency_key: str,
    ) -> None:
        """Send a notice (a pending change with its cancel link) to a registered contact."""
        ...

    def execute_change(
        self, user_id: str, change: ChangeRequest, idempotency_key: str
    ) -> ChangeResult:
        """Carry out an approved change; the same key never executes it twice.

        ConnectorError(USER_LOCK_ACTIVE) while the customer's own lock holds.
        """
        ...
