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


class ConnectorError(Exception):
    """The back end could not answer (down, timed out, refused)."""


class UnknownCustomer(ConnectorError):
    """The back end has no customer with this id."""


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


class PlatformConnector(Protocol):
    def account_status(self, user_id: str) -> AccountStatus: ...

    def withdrawals(self, user_id: str, limit: int = 10) -> list[Transfer]: ...

    def deposits(self, user_id: str, limit: int = 10) -> list[Transfer]: ...

    def recent_logins(self, user_id: str, limit: int = 10) -> list[Login]: ...

    def fee_schedule(self) -> FeeSchedule: ...

    def freeze_account(self, user_id: str, reason: Reason) -> AccountStatus:
        """Stop everything leaving the account at once (stolen-account case)."""
        ...
