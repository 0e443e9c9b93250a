"""The platform connector's contract as checks any implementation runs against its sandbox.

An exchange's engineers run `kefu connector-contract` against their sandbox (the sandbox
accounts below, described in docs/platform-connector.md); Kefu's own tests run the same
checks against the demo back end and against the HTTP reference server. Each check calls
the connector as Kefu would and fails with a sentence saying which promise was broken.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Protocol

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
    PlatformConnector,
    Reason,
    SecurityState,
    Transfer,
    TransferKind,
    UnknownCustomer,
)

# The sandbox accounts (kefu.platform.demo_data.SANDBOX makes them for the demo back end).
ACTIVE = "sandbox-active"  # active, email and phone, a withdrawal, a deposit, a sign-in
LOCKED = "sandbox-locked"  # locked by the platform, with a reason
USER_LOCK = "sandbox-user-lock"  # the customer locked their settings for days to come
NO_PHONE = "sandbox-no-phone"  # a registered email and no phone
NOBODY = "sandbox-nobody"  # no such customer

REASON = Reason("contract_check", {"run": "connector-contract"})


class Sandbox(PlatformConnector, Protocol):
    def read_code(self, challenge_id: str) -> str:
        """The code the sandbox sent for this challenge (never offered outside a sandbox)."""
        ...


class ContractBroken(AssertionError):
    """The implementation answered, but not as the contract says."""


Check = Callable[[Sandbox], None]
CHECKS: dict[str, Check] = {}


def check(function: Check) -> Check:
    CHECKS[function.__name__] = function
    return function


@dataclass(frozen=True)
class Outcome:
    name: str
    passed: bool
    detail: str = ""


def run(sandbox: Sandbox) -> list[Outcome]:
    """Every check, in order; one failing does not stop the others."""
    return [_run_one(name, function, sandbox) for name, function in CHECKS.items()]


def _run_one(name: str, function: Check, sandbox: Sandbox) -> Outcome:
    try:
        function(sandbox)
    except ContractBroken as broken:
        return Outcome(name, False, str(broken))
    except ConnectorError as error:
        return Outcome(name, False, f"unexpected error {error.code}: {error}")
    except Exception as crash:  # an implementation's bug is a failed check, not a crash
        return Outcome(name, False, f"{type(crash).__name__}: {crash}")
    return Outcome(name, True)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise ContractBroken(message)


def expect_error(code: str, call: Callable[[], object]) -> ConnectorError:
    try:
        answer = call()
    except ConnectorError as error:
        expect(error.code == code, f"expected error {code}, got {error.code}")
        return error
    raise ContractBroken(f"expected error {code}, got an answer: {answer!r}")


def _key() -> str:
    return f"contract-{uuid.uuid4()}"


def _aware(moment: datetime | None) -> bool:
    return moment is None or (isinstance(moment, datetime) and timezone.is_aware(moment))


def _all(items: object, kind: type) -> bool:
    return isinstance(items, list | tuple) and all(isinstance(item, kind) for item in items)


@check
def account_status(sandbox: Sandbox) -> None:
    active = sandbox.account_status(ACTIVE)
    expect(isinstance(active, AccountStatus), "account_status must return an AccountStatus")
    expect(active.user_id == ACTIVE and active.state == AccountState.ACTIVE, f"{ACTIVE} is active")
    locked = sandbox.account_status(LOCKED)
    expect(locked.state == AccountState.LOCKED, f"{LOCKED} must be locked")
    expect(isinstance(locked.reason, Reason) and bool(locked.reason.code), "a lock has a reason")
    expect(_aware(locked.since), "since must be a datetime with its offset")


@check
def unknown_customer(sandbox: Sandbox) -> None:
    for call in (sandbox.account_status, sandbox.security_state, sandbox.account_records):
        error = expect_error(ErrorCode.UNKNOWN_CUSTOMER, partial(call, NOBODY))
        expect(isinstance(error, UnknownCustomer), "an unknown customer is an UnknownCustomer")


@check
def transfers_and_sign_ins(sandbox: Sandbox) -> None:
    withdrawals = sandbox.withdrawals(ACTIVE, limit=5)
    deposits = sandbox.deposits(ACTIVE, limit=1)
    expect(_all(withdrawals, Transfer) and bool(withdrawals), f"{ACTIVE} has a withdrawal")
    expect(all(w.kind == TransferKind.WITHDRAWAL for w in withdrawals), "withdrawals only")
    expect(_all(deposits, Transfer) and len(deposits) == 1, "limit=1 gives one deposit")
    expect(deposits[0].kind == TransferKind.DEPOSIT, "deposits only")
    expect(isinstance(deposits[0].amount, Decimal), "amounts are decimals")
    logins = sandbox.recent_logins(ACTIVE, limit=5)
    expect(_all(logins, Login) and bool(logins), f"{ACTIVE} has a sign-in")
    expect(all(_aware(login.at) for login in logins), "sign-in times carry their offset")


@check
def fee_schedule(sandbox: Sandbox) -> None:
    fees = sandbox.fee_schedule()
    expect(isinstance(fees, FeeSchedule), "fee_schedule must return a FeeSchedule")
    expect(isinstance(fees.taker_percent, Decimal), "fees are decimals")


@check
def security_state(sandbox: Sandbox) -> None:
    state = sandbox.security_state(ACTIVE)
    expect(isinstance(state, SecurityState), "security_state must return a SecurityState")
    expect(bool(state.email_hint) and bool(state.phone_hint), f"{ACTIVE} has masked contacts")
    locked = sandbox.security_state(USER_LOCK)
    until = locked.user_lock_until
    expect(until is not None and _aware(until) and until > timezone.now(), "a lock in the future")
    expect(sandbox.security_state(NO_PHONE).phone_hint == "", f"{NO_PHONE} has no phone hint")


@check
def account_records(sandbox: Sandbox) -> None:
    records = sandbox.account_records(ACTIVE)
    expect(isinstance(records, AccountRecords), "account_records must return AccountRecords")
    expect(bool(records.registered_name), "the registered name is given")
    expect(_all(records.recent_deposits, Deposit), "recent deposits are Deposits")


@check
def send_code_is_idempotent(sandbox: Sandbox) -> None:
    key = _key()
    first = sandbox.send_code(ACTIVE, ContactChannel.EMAIL, "contract", key)
    again = sandbox.send_code(ACTIVE, ContactChannel.EMAIL, "contract", key)
    expect(isinstance(first, CodeChallenge), "send_code must return a CodeChallenge")
    expect(first.challenge_id == again.challenge_id, "the same key sends one code, not two")
    expect(first.channel == ContactChannel.EMAIL and bool(first.destination_hint), "a hint")
    expect(_aware(first.expires_at) and first.expires_at > timezone.now(), "expires later")


@check
def same_key_different_request_conflicts(sandbox: Sandbox) -> None:
    key = _key()
    sandbox.send_code(ACTIVE, ContactChannel.EMAIL, "contract", key)
    expect_error(
        ErrorCode.CONFLICT,
        lambda: sandbox.send_code(ACTIVE, ContactChannel.EMAIL, "another purpose", key),
    )


@check
def no_registered_contact(sandbox: Sandbox) -> None:
    expect_error(
        ErrorCode.NO_REGISTERED_CONTACT,
        lambda: sandbox.send_code(NO_PHONE, ContactChannel.PHONE, "contract", _key()),
    )


@check
def wrong_code_then_right_code(sandbox: Sandbox) -> None:
    challenge = sandbox.send_code(ACTIVE, ContactChannel.PHONE, "contract", _key())
    code = sandbox.read_code(challenge.challenge_id)
    wrong = "000000" if code != "000000" else "111111"
    result = sandbox.check_code(ACTIVE, challenge.challenge_id, wrong)
    expect(result == CodeResult.WRONG, f"a wrong code is wrong, got {result!r}")
    result = sandbox.check_code(ACTIVE, challenge.challenge_id, code)
    expect(result == CodeResult.VALID, f"the sent code is valid, got {result!r}")


@check
def unknown_challenge(sandbox: Sandbox) -> None:
    expect_error(
        ErrorCode.CHALLENGE_NOT_FOUND,
        lambda: sandbox.check_code(ACTIVE, "no-such-challenge", "123456"),
    )


@check
def notify_is_idempotent(sandbox: Sandbox) -> None:
    key = _key()
    params = {"case": "VC-CONTRACT"}
    sandbox.notify(ACTIVE, ContactChannel.EMAIL, "pending_change", params, key)
    sandbox.notify(ACTIVE, ContactChannel.EMAIL, "pending_change", params, key)
    expect_error(
        ErrorCode.CONFLICT,
        lambda: sandbox.notify(ACTIVE, ContactChannel.EMAIL, "pending_change", {"case": "X"}, key),
    )


@check
def freeze_and_unfreeze(sandbox: Sandbox) -> None:
    frozen = sandbox.freeze_account(ACTIVE, REASON, _key())
    expect(frozen.state == AccountState.FROZEN, f"freeze must freeze, got {frozen.state}")
    expect(sandbox.account_status(ACTIVE).state == AccountState.FROZEN, "the freeze holds")
    active = sandbox.unfreeze_account(ACTIVE, REASON, _key())
    expect(active.state == AccountState.ACTIVE, f"unfreeze must lift it, got {active.state}")


@check
def change_is_idempotent(sandbox: Sandbox) -> None:
    key = _key()
    change = ChangeRequest(ChangeKind.UNLOCK, case_reference="VC-CONTRACT")
    first = sandbox.execute_change(ACTIVE, change, key)
    again = sandbox.execute_change(ACTIVE, change, key)
    expect(isinstance(first, ChangeResult), "execute_change must return a ChangeResult")
    expect(first.kind == ChangeKind.UNLOCK and _aware(first.executed_at), "kind and time")
    expect(first.executed_at == again.executed_at, "the same key executes once, not twice")
    other = ChangeRequest(ChangeKind.RESET_2FA, case_reference="VC-CONTRACT")
    expect_error(ErrorCode.CONFLICT, lambda: sandbox.execute_change(ACTIVE, other, key))


@check
def user_lock_is_respected(sandbox: Sandbox) -> None:
    change = ChangeRequest(ChangeKind.RESET_2FA, case_reference="VC-CONTRACT")
    error = expect_error(
        ErrorCode.USER_LOCK_ACTIVE, lambda: sandbox.execute_change(USER_LOCK, change, _key())
    )
    expect(bool(error.params.get("until")), "the error says until when the lock holds")
    expect_error(
        ErrorCode.USER_LOCK_ACTIVE,
        lambda: sandbox.unfreeze_account(USER_LOCK, REASON, _key()),
    )
