"""A reference implementation of the platform contract (docs/platform-connector.yaml).

An exchange's back office in miniature: the sandbox accounts in memory, every request's
signature checked with kefu/platform/signing.py, replays refused, answers to an
idempotency key stored and given again, every answer signed. It proves HttpConnector end
to end, and shows an implementer the whole contract in one file.

Tests steer it through `failures` (answers lost after the work was done, as when a proxy
times out), `delay` (a slow back office) and `forge` (someone in the middle rewriting
answers), and read `received` and `executions` to see what really happened.
"""

import contextlib
import hashlib
import json
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from kefu.platform import signing
from kefu.platform.connector import (
    AccountRecords,
    AccountState,
    AccountStatus,
    ChangeKind,
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
)
from kefu.platform.demo_data import SANDBOX, DemoCustomer
from kefu.platform.http import to_wire

SECRET = "reference-server-secret"
BASE = "/kefu"
CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
WITHDRAWAL_HOLD = timedelta(hours=24)
FEES = FeeSchedule(
    Decimal("0.1"), Decimal("0.1"), (NetworkFee("USDT", "TRC20", Decimal("1"), Decimal("10")),)
)
STATUS_OF: dict[str, int] = {
    ErrorCode.UNKNOWN_CUSTOMER: 404,
    ErrorCode.CHALLENGE_NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.USER_LOCK_ACTIVE: 423,
    ErrorCode.NO_REGISTERED_CONTACT: 422,
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.BAD_SIGNATURE: 401,
}


def _now() -> datetime:
    return datetime.now(UTC)


def _mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def _mask_phone(number: str) -> str:
    return f"{number[:-8]}****{number[-4:]}" if len(number) > 8 else ""


@dataclass
class Account:
    user_id: str
    name: str
    email: str
    phone: str
    state: AccountState
    reason: Reason | None = None
    since: datetime | None = None
    user_lock_until: datetime | None = None
    last_security_change_at: datetime | None = None
    withdrawals_locked_until: datetime | None = None
    transfers: list[Transfer] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)

    @classmethod
    def from_spec(cls, spec: DemoCustomer, now: datetime) -> "Account":
        transfers = [
            Transfer(t.reference, TransferKind(t.kind), t.asset, Decimal(t.amount), t.network,
                     TransferStatus(t.status), now - timedelta(hours=t.hours_ago),
                     tx_hash=t.tx_hash)
            for t in spec.transfers
        ]  # fmt: skip
        logins = [Login(now - timedelta(hours=h), ip, device, where, ok)
                  for h, ip, device, where, ok in spec.logins]  # fmt: skip
        locked = spec.state != AccountState.ACTIVE
        return cls(
            user_id=spec.user_id,
            name=spec.name,
            email=spec.email,
            phone=spec.phone,
            state=AccountState(spec.state),
            reason=Reason(spec.reason) if spec.reason else None,
            since=now - timedelta(hours=3) if locked else None,
            user_lock_until=now + timedelta(days=spec.user_lock_days)
            if spec.user_lock_days
            else None,
            transfers=transfers,
            logins=logins,
        )

    def status(self) -> AccountStatus:
        return AccountStatus(self.user_id, self.state, self.reason, self.since)

    def contact(self, channel: str) -> str:
        destination = self.email if channel == ContactChannel.EMAIL else self.phone
        if not destination:
            raise ConnectorError(code=ErrorCode.NO_REGISTERED_CONTACT, params={"channel": channel})
        return destination

    def refuse_while_locked(self) -> None:
        if self.user_lock_until and self.user_lock_until > _now():
            until = self.user_lock_until.isoformat()
            raise ConnectorError(code=ErrorCode.USER_LOCK_ACTIVE, params={"until": until})

    def security_changed(self) -> None:
        self.last_security_change_at = _now()
        self.withdrawals_locked_until = self.last_security_change_at + WITHDRAWAL_HOLD


@dataclass
class Challenge:
    user_id: str
    channel: ContactChannel
    code: str
    expires_at: datetime
    attempts: int = 0
    used: bool = False


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the base path, for routing
    signed_path: str  # as sent, with the query: what the signature covers
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            raise ConnectorError(code=ErrorCode.INVALID_REQUEST, params={"field": "body"}) from None
        if not isinstance(data, dict):
            raise ConnectorError(code=ErrorCode.INVALID_REQUEST, params={"field": "body"})
        return data

    def field(self, name: str) -> Any:
        value = self.json().get(name)
        if value in (None, ""):
            raise ConnectorError(code=ErrorCode.INVALID_REQUEST, params={"field": name})
        return value

    def limit(self) -> int:
        query = parse_qs(urlsplit(self.signed_path).query)
        return int(query.get("limit", ["10"])[0])


Forge = Callable[[Answer, dict[str, str]], tuple[Answer, dict[str, str]]]


@dataclass
class ReferenceServer:
    secret: str = SECRET
    url: str = ""
    accounts: dict[str, Account] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    # Idempotency key -> (fingerprint of the request, the answer it got).
    done: dict[str, tuple[str, Answer]] = field(default_factory=dict)
    nonces: signing.NonceCache = field(default_factory=signing.NonceCache)
    received: list[Request] = field(default_factory=list)
    answered: list[tuple[Request, Answer]] = field(default_factory=list)
    # How many times each kind of write was really carried out.
    executions: Counter[str] = field(default_factory=Counter)
    # Statuses for the next answers, given after the work was done (the answer is lost).
    failures: list[int] = field(default_factory=list)
    delay: float = 0.0
    forge: Forge | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        now = _now()
        self.accounts = {spec.user_id: Account.from_spec(spec, now) for spec in SANDBOX}

    # --- the HTTP side ---------------------------------------------------------------

    def handle(self, request: Request) -> tuple[Answer, dict[str, str]]:
        with self.lock:
            self.received.append(request)
        if self.delay:
            time.sleep(self.delay)
        try:
            signing.verify_request(
                self.secret, request.headers, request.method, request.signed_path,
                request.body, self.nonces,
            )  # fmt: skip
            with self.lock:
                answer = self._idempotent(request)
        except signing.SignatureError as refused:
            answer = _error(ConnectorError(refused.reason, code=ErrorCode.BAD_SIGNATURE))
        with self.lock:
            if self.failures:
                answer = Answer(self.failures.pop(0), b'{"error": {"code": "unavailable"}}')
            self.answered.append((request, answer))
        nonce = request.headers.get(signing.NONCE.lower(), "")
        headers = signing.sign_response(self.secret, nonce, answer.status, answer.body)
        return self.forge(answer, headers) if self.forge else (answer, headers)

    def _idempotent(self, request: Request) -> Answer:
        key = request.headers.get("idempotency-key", "")
        if request.method != "POST" or not key:
            return self._route(request)
        fingerprint = hashlib.sha256(f"{request.path}\n".encode() + request.body).hexdigest()
        if key in self.done:
            seen, answer = self.done[key]
            return (
                answer if seen == fingerprint else _error(ConnectorError(code=ErrorCode.CONFLICT))
            )
        answer = self._route(request)
        if answer.status < 400:
            self.done[key] = (fingerprint, answer)
        return answer

    def _route(self, request: Request) -> Answer:
        for method, pattern, view in ROUTES:
            matched = re.fullmatch(pattern, request.path)
            if matched and method == request.method:
                try:
                    return _ok(view(self, request, *map(unquote, matched.groups())))
                except ConnectorError as error:
                    return _error(error)
        return _error(ConnectorError(code=ErrorCode.INVALID_REQUEST, params={"field": "path"}))

    # --- the back office -------------------------------------------------------------

    def account(self, user_id: str) -> Account:
        if user_id not in self.accounts:
            raise ConnectorError(code=ErrorCode.UNKNOWN_CUSTOMER, params={"user_id": user_id})
        return self.accounts[user_id]

    def status(self, request: Request, user_id: str) -> Any:
        return self.account(user_id).status()

    def security(self, request: Request, user_id: str) -> Any:
        a = self.account(user_id)
        return SecurityState(user_id, a.user_lock_until, a.last_security_change_at,
                             a.withdrawals_locked_until, _mask_email(a.email),
                             _mask_phone(a.phone))  # fmt: skip

    def records(self, request: Request, user_id: str) -> Any:
        a = self.account(user_id)
        deposits = [t for t in a.transfers if t.kind == TransferKind.DEPOSIT][:3]
        region = a.logins[0].location if a.logins else ""
        return AccountRecords(user_id, a.name, region,
                              tuple(Deposit(t.asset, t.amount) for t in deposits))  # fmt: skip

    def transfers(self, request: Request, user_id: str, kind: str) -> Any:
        wanted = TransferKind.WITHDRAWAL if kind == "withdrawals" else TransferKind.DEPOSIT
        rows = [t for t in self.account(user_id).transfers if t.kind == wanted]
        return rows[: request.limit()]

    def logins(self, request: Request, user_id: str) -> Any:
        return self.account(user_id).logins[: request.limit()]

    def fees(self, request: Request) -> Any:
        return FEES

    def sandbox_code(self, request: Request, challenge_id: str) -> Any:
        if challenge_id not in self.challenges:
            raise ConnectorError(code=ErrorCode.CHALLENGE_NOT_FOUND)
        return {"code": self.challenges[challenge_id].code}

    def send_code(self, request: Request, user_id: str) -> Any:
        account = self.account(user_id)
        channel = ContactChannel(request.field("channel"))
        destination = account.contact(channel)
        challenge_id = secrets.token_hex(8)
        challenge = Challenge(user_id, channel, f"{secrets.randbelow(10**6):06d}",
                              _now() + CODE_LIFETIME)  # fmt: skip
        self.challenges[challenge_id] = challenge
        self.executions["codes"] += 1
        hint = (
            _mask_email(destination)
            if channel == ContactChannel.EMAIL
            else _mask_phone(destination)
        )
        return CodeChallenge(challenge_id, channel, hint, challenge.expires_at)

    def check_code(self, request: Request, user_id: str, challenge_id: str) -> Any:
        self.account(user_id)
        challenge = self.challenges.get(challenge_id)
        if challenge is None or challenge.user_id != user_id:
            raise ConnectorError(code=ErrorCode.CHALLENGE_NOT_FOUND)
        self.executions["checks"] += 1
        if challenge.used or challenge.attempts >= CODE_ATTEMPTS:
            return {"result": CodeResult.EXHAUSTED}
        if challenge.expires_at <= _now():
            return {"result": CodeResult.EXPIRED}
        challenge.attempts += 1
        challenge.used = secrets.compare_digest(challenge.code, str(request.field("code")))
        return {"result": CodeResult.VALID if challenge.used else CodeResult.WRONG}

    def notify(self, request: Request, user_id: str) -> Any:
        self.account(user_id).contact(request.field("channel"))
        request.field("template")
        self.executions["notifications"] += 1
        return {}

    def freeze(self, request: Request, user_id: str) -> Any:
        account = self.account(user_id)
        reason = request.field("reason")
        if account.state != AccountState.FROZEN:
            account.state, account.since = AccountState.FROZEN, _now()
            account.reason = Reason(str(reason.get("code", "")), reason.get("params", {}))
        self.executions["freeze"] += 1
        return account.status()

    def unfreeze(self, request: Request, user_id: str) -> Any:
        account = self.account(user_id)
        account.refuse_while_locked()
        if account.state == AccountState.FROZEN:
            account.state, account.reason, account.since = AccountState.ACTIVE, None, None
            account.security_changed()
        self.executions["unfreeze"] += 1
        return account.status()

    def change(self, request: Request, user_id: str) -> Any:
        account = self.account(user_id)
        kind = ChangeKind(request.field("kind"))
        params = request.json().get("params") or {}
        account.refuse_while_locked()
        if kind in (ChangeKind.UNLOCK, ChangeKind.RECOVER_ACCOUNT, ChangeKind.UNFREEZE):
            account.state, account.reason, account.since = AccountState.ACTIVE, None, None
        elif kind == ChangeKind.CHANGE_EMAIL:
            account.email = _required(params, "email")
        elif kind == ChangeKind.CHANGE_PHONE:
            account.phone = _required(params, "phone")
        elif kind == ChangeKind.CHANGE_PERSONAL_INFO:
            account.name = params.get("name", account.name)
        account.security_changed()
        self.executions["changes"] += 1
        return ChangeResult(user_id, kind, _now(), account.withdrawals_locked_until)


def _required(params: dict[str, str], name: str) -> str:
    if not params.get(name):
        raise ConnectorError(code=ErrorCode.INVALID_REQUEST, params={"field": name})
    return params[name]


def _ok(record: Any) -> Answer:
    return Answer(200, json.dumps(to_wire(record)).encode())


def _error(error: ConnectorError) -> Answer:
    body = {"error": {"code": error.code, "params": dict(error.params)}}
    return Answer(STATUS_OF.get(error.code, 403), json.dumps(body).encode())


USER = r"/v1/accounts/([^/]+)"
ROUTES: list[tuple[str, str, Callable[..., Any]]] = [
    ("GET", USER, ReferenceServer.status),
    ("GET", USER + "/security", ReferenceServer.security),
    ("GET", USER + "/records", ReferenceServer.records),
    ("GET", USER + "/(withdrawals|deposits)", ReferenceServer.transfers),
    ("GET", USER + "/logins", ReferenceServer.logins),
    ("GET", r"/v1/fees", ReferenceServer.fees),
    ("GET", r"/v1/sandbox/codes/([^/]+)", ReferenceServer.sandbox_code),
    ("POST", USER + "/codes", ReferenceServer.send_code),
    ("POST", USER + "/codes/([^/]+)/check", ReferenceServer.check_code),
    ("POST", USER + "/notifications", ReferenceServer.notify),
    ("POST", USER + "/freeze", ReferenceServer.freeze),
    ("POST", USER + "/unfreeze", ReferenceServer.unfreeze),
    ("POST", USER + "/changes", ReferenceServer.change),
]


def _handler(server: ReferenceServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            path = urlsplit(self.path).path
            request = Request(
                method=self.command,
                path=path.removeprefix(BASE),
                signed_path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            answer, headers = server.handle(request)
            self.send_response(answer.status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            # The client may have given up waiting (a timeout test).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(answer.body)

        do_GET = do_POST = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test output is not the place for an access log

    return Handler


def serve(server: ReferenceServer) -> Iterator[ReferenceServer]:
    """Run the server on a free loopback port for the duration of a fixture."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    server.url = f"http://127.0.0.1:{httpd.server_port}{BASE}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def unsigned(answer: Answer, headers: dict[str, str]) -> tuple[Answer, dict[str, str]]:
    return answer, {}


def says_valid(answer: Answer, headers: dict[str, str]) -> tuple[Answer, dict[str, str]]:
    """Someone in the middle turning any answer into "the code is valid"."""
    return replace(answer, status=200, body=b'{"result": "valid"}'), headers
