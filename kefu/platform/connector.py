"""What Kefu may ask the wallet/exchange back end about a customer, as typed records.

A deployment points `KEFU_PLATFORM_CONNECTOR` at a class implementing `PlatformConnector`
(the demo one over sample data is the default). Every method may raise `ConnectorError`;
callers show a clear message instead of failing, because the back end is someone else's
system and may be down.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ConnectorError(Exception):
    """The back end could not answer (down, timed out, refused)."""


class UnknownCustomer(ConnectorError):
    """The back end has no customer with this id."""


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
    reason: str = ""
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
    # Why it is under review or was rejected, in words an agent can pass on.
    reason: str = ""


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

    def freeze_account(self, user_id: str, reason: str) -> AccountStatus:
        """Stop everything leaving the account at once (stolen-account case)."""
        ...
