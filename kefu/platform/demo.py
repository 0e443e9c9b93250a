"""The demo connector: answers from the sample records `kefu demo` loads (models.py)."""

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from kefu.platform.connector import (
    AccountRecords,
    AccountState,
    AccountStatus,
    ChangeKind,
    ChangeRequest,
    ChangeResult,
    CodeChallenge,
    CodeResult,
    ConnectorError,
    ContactChannel,
    Deposit,
    ErrorCode,
    FeeSchedule,
    Login,
    NetworkFee,
    Reason,
    SecurityState,
    Transfer,
    TransferKind,
    TransferStatus,
    UnknownCustomer,
)
from kefu.platform.models import (
    DemoAccount,
    DemoChallenge,
    DemoIdempotency,
    DemoNotice,
    DemoTransfer,
)

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
# Withdrawals held after a security change, as most exchanges do.
WITHDRAWAL_HOLD = timedelta(hours=24)

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


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def mask_phone(number: str) -> str:
    return f"{number[:-8]}****{number[-4:]}" if len(number) > 8 else ""


def _destination(account: DemoAccount, channel: ContactChannel) -> str:
    destination = account.email if channel == ContactChannel.EMAIL else account.phone
    if not destination:
        raise ConnectorError(code=ErrorCode.NO_REGISTERED_CONTACT, params={"channel": channel})
    return destination


def _hint(account: DemoAccount, channel: ContactChannel) -> str:
    if channel == ContactChannel.EMAIL:
        return mask_email(account.email)
    return mask_phone(account.phone)


def _once(key: str, request: Mapping[str, Any], do: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `do` once per idempotency key; a repeat gets the first answer back.

    The same key with a different request is refused (CONFLICT), as the HTTP contract says.
    Runs inside the caller's transaction, so a failed `do` leaves no key behind.
    """
    fingerprint = hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str).encode()
    ).hexdigest()
    if key:
        done = DemoIdempotency.objects.filter(key=key).first()
        if done is not None:
            if done.fingerprint != fingerprint:
                raise ConnectorError(code=ErrorCode.CONFLICT)
            return done.response
    response = do()
    if key:
        try:
            with transaction.atomic():
                DemoIdempotency.objects.create(key=key, fingerprint=fingerprint, response=response)
        except IntegrityError:
            raise ConnectorError(code=ErrorCode.CONFLICT) from None
    return response


def _lock_active(account: DemoAccount) -> bool:
    return account.user_lock_until is not None and account.user_lock_until > timezone.now()


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

    def _set_state(self, account: DemoAccount, state: AccountState, reason: Reason | None) -> None:
        account.state = state
        account.reason = reason.code if reason else ""
        account.reason_params = dict(reason.params) if reason else {}
        account.state_since = timezone.now() if state != AccountState.ACTIVE else None
        account.save(update_fields=["state", "reason", "reason_params", "state_since"])

    def freeze_account(
        self, user_id: str, reason: Reason, idempotency_key: str = ""
    ) -> AccountStatus:
        with transaction.atomic():
            account = _account(user_id)
            if account.state != AccountState.FROZEN:
                self._set_state(account, AccountState.FROZEN, reason)
        return _status(account)

    def unfreeze_account(self, user_id: str, reason: Reason, idempotency_key: str) -> AccountStatus:
        with transaction.atomic():
            account = _account(user_id)
            if _lock_active(account):
                raise _user_lock(account)

            def unfreeze() -> dict[str, Any]:
                if account.state == AccountState.FROZEN:
                    self._set_state(account, AccountState.ACTIVE, None)
                    self._security_changed(account)
                return {}

            _once(idempotency_key, {"unfreeze": user_id}, unfreeze)
        return _status(_account(user_id))

    def security_state(self, user_id: str) -> SecurityState:
        account = _account(user_id)
        return SecurityState(
            user_id=user_id,
            user_lock_until=account.user_lock_until,
            last_security_change_at=account.last_security_change_at,
            withdrawals_locked_until=account.withdrawals_locked_until,
            email_hint=mask_email(account.email),
            phone_hint=mask_phone(account.phone),
        )

    def account_records(self, user_id: str) -> AccountRecords:
        account = _account(user_id)
        last_login = account.logins.filter(succeeded=True).first()
        deposits = account.transfers.filter(kind=TransferKind.DEPOSIT)[:3]
        return AccountRecords(
            user_id=user_id,
            registered_name=account.registered_name,
            last_login_region=last_login.location if last_login else "",
            recent_deposits=tuple(Deposit(row.asset, row.amount) for row in deposits),
        )

    def send_code(
        self, user_id: str, channel: ContactChannel, purpose: str, idempotency_key: str
    ) -> CodeChallenge:
        with transaction.atomic():
            account = _account(user_id)
            destination = _destination(account, channel)

            def send() -> dict[str, Any]:
                challenge = DemoChallenge.objects.create(
                    challenge_id=secrets.token_hex(8),
                    account=account,
                    channel=channel,
                    code=f"{secrets.randbelow(10**6):06d}",
                    expires_at=timezone.now() + CODE_LIFETIME,
                )
                DemoNotice.objects.create(
                    account=account,
                    channel=channel,
                    destination=destination,
                    template="verification_code",
                    params={"code": challenge.code, "purpose": purpose},
                )
                # The demo has no mail or SMS of its own: the log is where a tester reads it.
                log.info("demo platform: code %s sent to %s", challenge.code, destination)
                return {"challenge_id": challenge.challenge_id}

            sent = _once(idempotency_key, {"code": [user_id, channel, purpose]}, send)
            challenge = DemoChallenge.objects.get(challenge_id=sent["challenge_id"])
        return CodeChallenge(
            challenge_id=challenge.challenge_id,
            channel=ContactChannel(challenge.channel),
            destination_hint=_hint(account, channel),
            expires_at=challenge.expires_at,
        )

    def check_code(self, user_id: str, challenge_id: str, code: str) -> CodeResult:
        with transaction.atomic():
            account = _account(user_id)
            challenge = (
                DemoChallenge.objects.select_for_update()
                .filter(account=account, challenge_id=challenge_id)
                .first()
            )
            if challenge is None:
                raise ConnectorError(code=ErrorCode.CHALLENGE_NOT_FOUND)
            if challenge.used or challenge.attempts >= CODE_ATTEMPTS:
                return CodeResult.EXHAUSTED
            if challenge.expires_at <= timezone.now():
                return CodeResult.EXPIRED
            challenge.attempts += 1
            right = secrets.compare_digest(challenge.code, code.strip())
            challenge.used = right
            challenge.save(update_fields=["attempts", "used"])
        return CodeResult.VALID if right else CodeResult.WRONG

    def notify(
        self,
        user_id: str,
        channel: ContactChannel,
        template: str,
        params: Mapping[str, str],
        idempotency_key: str,
    ) -> None:
        with transaction.atomic():
            account = _account(user_id)
            destination = _destination(account, channel)

            def send() -> dict[str, Any]:
                DemoNotice.objects.create(
                    account=account,
                    channel=channel,
                    destination=destination,
                    template=template,
                    params=dict(params),
                )
                log.info("demo platform: %s sent to %s: %s", template, destination, dict(params))
                return {}

            _once(idempotency_key, {"notify": [user_id, channel, template, dict(params)]}, send)

    def execute_change(
        self, user_id: str, change: ChangeRequest, idempotency_key: str
    ) -> ChangeResult:
        with transaction.atomic():
            account = _account(user_id)

            def execute() -> dict[str, Any]:
                if _lock_active(account):
                    raise _user_lock(account)
                self._apply(account, change)
                self._security_changed(account)
                return {"executed_at": timezone.now().isoformat()}

            done = _once(
                idempotency_key,
                {"change": [user_id, change.kind, dict(change.params)]},
                execute,
            )
            account.refresh_from_db()
        return ChangeResult(
            user_id=user_id,
            kind=change.kind,
            executed_at=datetime.fromisoformat(done["executed_at"]),
            withdrawals_locked_until=account.withdrawals_locked_until,
        )

    def read_code(self, challenge_id: str) -> str:
        """The code "sent" for a challenge, for the contract suite (the sandbox hook)."""
        return DemoChallenge.objects.get(challenge_id=challenge_id).code

    def _apply(self, account: DemoAccount, change: ChangeRequest) -> None:
        needed = {ChangeKind.CHANGE_EMAIL: "email", ChangeKind.CHANGE_PHONE: "phone"}
        if change.kind in needed and not change.params.get(needed[change.kind]):
            raise ConnectorError(
                code=ErrorCode.INVALID_REQUEST, params={"field": needed[change.kind]}
            )
        if change.kind in (ChangeKind.UNLOCK, ChangeKind.RECOVER_ACCOUNT, ChangeKind.UNFREEZE):
            self._set_state(account, AccountState.ACTIVE, None)
        elif change.kind == ChangeKind.RESET_2FA:
            account.two_factor_enabled = False
        elif change.kind == ChangeKind.CHANGE_EMAIL:
            account.email = change.params["email"]
        elif change.kind == ChangeKind.CHANGE_PHONE:
            account.phone = change.params["phone"]
        elif change.kind == ChangeKind.CHANGE_PERSONAL_INFO:
            account.registered_name = change.params.get("name", account.registered_name)
        account.save()

    def _security_changed(self, account: DemoAccount) -> None:
        now = timezone.now()
        account.last_security_change_at = now
        account.withdrawals_locked_until = now + WITHDRAWAL_HOLD
        account.save(update_fields=["last_security_change_at", "withdrawals_locked_until"])


def _user_lock(account: DemoAccount) -> ConnectorError:
    until = account.user_lock_until
    return ConnectorError(
        code=ErrorCode.USER_LOCK_ACTIVE, params={"until": until.isoformat() if until else ""}
    )
