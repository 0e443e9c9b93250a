"""The demo connector: answers from the sample records `kefu demo` loads (models.py)."""

from decimal import Decimal

from django.db import DatabaseError, transaction
from django.utils import timezone

from kefu.platform.connector import (
    AccountState,
    AccountStatus,
    ConnectorError,
    FeeSchedule,
    Login,
    NetworkFee,
    Reason,
    Transfer,
    TransferKind,
    TransferStatus,
    UnknownCustomer,
)
from kefu.platform.models import DemoAccount, DemoTransfer

FEES = FeeSchedule(
    maker_percent=Decimal("0.10"),
    taker_percent=Decimal("0.10"),
    networks=(
        NetworkFee("USDT", "TRC20", Decimal("1"), Decimal("10")),
        NetworkFee("USDT", "ERC20", Decimal("4"), Decimal("20")),
        NetworkFee("USDT", "BEP20", Decimal("0.8"), Decimal("10")),
        NetworkFee("BTC", "BTC", Decimal("0.0002"), Decimal("0.001")),
        NetworkFee("ETH", "ERC20", Decimal("0.0012"), Decimal("0.01")),
        NetworkFee("XRP", "XRP", Decimal("0.25"), Decimal("20")),
    ),
)


def _account(user_id: str) -> DemoAccount:
    try:
        return DemoAccount.objects.get(user_id=user_id)
    except DemoAccount.DoesNotExist:
        raise UnknownCustomer(user_id) from None
    except DatabaseError as error:
        raise ConnectorError(str(error)) from error


def _reason(code: str, params: dict[str, str]) -> Reason | None:
    # A "note" is a free text from before reasons were codes: shown as written.
    return Reason(code, params, text=params.get("text", "")) if code else None


def _status(account: DemoAccount) -> AccountStatus:
    return AccountStatus(
        user_id=account.user_id,
        state=AccountState(account.state),
        reason=_reason(account.reason, account.reason_params),
        since=account.state_since,
    )


def _transfer(row: DemoTransfer) -> Transfer:
    return Transfer(
        reference=row.reference,
        kind=TransferKind(row.kind),
        asset=row.asset,
        amount=row.amount,
        network=row.network,
        status=TransferStatus(row.status),
        created_at=row.created_at,
        address=row.address,
        tx_hash=row.tx_hash,
        completed_at=row.completed_at,
        reason=_reason(row.reason, row.reason_params),
    )


class DemoConnector:
    def account_status(self, user_id: str) -> AccountStatus:
        return _status(_account(user_id))

    def _transfers(self, user_id: str, kind: TransferKind, limit: int) -> list[Transfer]:
        rows = _account(user_id).transfers.filter(kind=kind)[:limit]
        return [_transfer(row) for row in rows]

    def withdrawals(self, user_id: str, limit: int = 10) -> list[Transfer]:
        return self._transfers(user_id, TransferKind.WITHDRAWAL, limit)

    def deposits(self, user_id: str, limit: int = 10) -> list[Transfer]:
        return self._transfers(user_id, TransferKind.DEPOSIT, limit)

    def recent_logins(self, user_id: str, limit: int = 10) -> list[Login]:
        return [
            Login(at=row.at, ip=row.ip, device=row.device, location=row.location,
                  succeeded=row.succeeded)
            for row in _account(user_id).logins.all()[:limit]
        ]  # fmt: skip

    def fee_schedule(self) -> FeeSchedule:
        return FEES

    def freeze_account(self, user_id: str, reason: Reason) -> AccountStatus:
        with transaction.atomic():
            account = _account(user_id)
            if account.state != AccountState.FROZEN:
                account.state = AccountState.FROZEN
                account.reason = reason.code
                account.reason_params = dict(reason.params)
                account.state_since = timezone.now()
                account.save(update_fields=["state", "reason", "reason_params", "state_since"])
        return _status(account)
