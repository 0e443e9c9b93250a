"""The platform connector over HTTP: the exchange implements docs/platform-connector.yaml.

JSON bodies carry the dataclasses of kefu/platform/connector.py field for field (decimals
as strings, datetimes ISO 8601 with offset). Every request and every answer is signed
(kefu/platform/signing.py); an answer that is unsigned, signed wrongly or not shaped as the
contract says is refused, whatever it claims, and its raw text goes to the log only.
"""

import dataclasses
import json
import logging
import time
import types
import typing
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx
from django.conf import settings

from kefu.core.http_client import client
from kefu.platform import signing
from kefu.platform.connector import (
    AccountRecords,
    AccountStatus,
    ChangeRequest,
    ChangeResult,
    CodeChallenge,
    CodeResult,
    ConnectorError,
    ContactChannel,
    ErrorCode,
    FeeSchedule,
    Login,
    Reason,
    SecurityState,
    Transfer,
    UnknownCustomer,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

CONNECT_TIMEOUT = 3.0
RETRIES = 3
# Seconds before the first retry, doubled for each next one.
BACKOFF = 0.2
# How much of a refused answer goes to the log.
LOGGED_BODY = 2000


class ContractViolation(ValueError):
    """The JSON is not what the contract says."""


def to_wire(value: Any) -> Any:
    """A connector record (or a list of them) as contract JSON."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_wire(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_wire(item) for key, item in value.items()}
    return value


def from_wire(kind: type[T], data: Any) -> T:
    """Contract JSON as the connector record `kind`; ContractViolation when it is not one."""
    decoded: T = _decode(kind, data)
    return decoded


def _record(kind: Any, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ContractViolation(f"{kind.__name__} must be an object")
    hints = typing.get_type_hints(kind)
    values = {}
    for item in dataclasses.fields(kind):
        if item.name in data:
            values[item.name] = _decode(hints[item.name], data[item.name])
        elif item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
            raise ContractViolation(f"{kind.__name__}.{item.name} is missing")
    return kind(**values)


def _moment(data: Any) -> datetime:
    moment = datetime.fromisoformat(_typed(str, data))
    if moment.tzinfo is None:
        raise ContractViolation("a datetime without its offset")
    return moment


def _typed(kind: type[T], data: Any) -> T:
    # bool is an int in Python, and neither may stand for the other in the contract.
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise ContractViolation(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


def _decode(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (present,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(present, data)
    if origin in (tuple, list):
        item = typing.get_args(kind)[0]
        return origin(_decode(item, each) for each in _typed(list, data))
    if origin is Mapping:
        return {str(key): _typed(str, value) for key, value in _typed(dict, data).items()}
    if dataclasses.is_dataclass(kind):
        return _record(kind, data)
    if kind is datetime:
        return _moment(data)
    if kind is Decimal:
        return Decimal(_typed(str, data))
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    return _typed(kind, data)


@dataclasses.dataclass(frozen=True)
class CodeAnswer:
    result: CodeResult


@dataclasses.dataclass(frozen=True)
class SandboxCode:
    code: str


@dataclasses.dataclass(frozen=True)
class Accepted:
    """A notice's answer: its body says nothing Kefu needs, beyond being signed."""


class HttpConnector:
    """PlatformConnector over HTTPS; settings are read when it is made, at call time."""

    def __init__(self) -> None:
        self.url: str = settings.KEFU_PLATFORM_URL.rstrip("/")
        self.secret: str = settings.KEFU_PLATFORM_SECRET
        self.timeout = httpx.Timeout(settings.KEFU_PLATFORM_TIMEOUT, connect=CONNECT_TIMEOUT)

    # --- reads ---------------------------------------------------------------------

    def account_status(self, user_id: str) -> AccountStatus:
        return self._get(AccountStatus, user_id, "")

    def withdrawals(self, user_id: str, limit: int = 10) -> list[Transfer]:
        return self._get(list[Transfer], user_id, "/withdrawals", limit=limit)

    def deposits(self, user_id: str, limit: int = 10) -> list[Transfer]:
        return self._get(list[Transfer], user_id, "/deposits", limit=limit)

    def recent_logins(self, user_id: str, limit: int = 10) -> list[Login]:
        return self._get(list[Login], user_id, "/logins", limit=limit)

    def fee_schedule(self) -> FeeSchedule:
        return self._call(FeeSchedule, "GET", "/v1/fees")

    def security_state(self, user_id: str) -> SecurityState:
        return self._get(SecurityState, user_id, "/security")

    def account_records(self, user_id: str) -> AccountRecords:
        return self._get(AccountRecords, user_id, "/records")

    # --- writes --------------------------------------------------------------------

    def freeze_account(
        self, user_id: str, reason: Reason, idempotency_key: str = ""
    ) -> AccountStatus:
        body = {"reason": to_wire(reason)}
        # A caller may give no key; one per call still lets a lost answer be retried, and a
        # stolen account must not stay open because one answer was lost.
        key = idempotency_key or f"freeze-{uuid.uuid4()}"
        return self._post(AccountStatus, user_id, "/freeze", body, key)

    def unfreeze_account(self, user_id: str, reason: Reason, idempotency_key: str) -> AccountStatus:
        body = {"reason": to_wire(reason)}
        return self._post(AccountStatus, user_id, "/unfreeze", body, idempotency_key)

    def send_code(
        self, user_id: str, channel: ContactChannel, purpose: str, idempotency_key: str
    ) -> CodeChallenge:
        body = {"channel": channel.value, "purpose": purpose}
        return self._post(CodeChallenge, user_id, "/codes", body, idempotency_key)

    def check_code(self, user_id: str, challenge_id: str, code: str) -> CodeResult:
        # Never retried: a repeated check would spend another of the platform's attempts.
        answer = self._call(
            CodeAnswer,
            "POST",
            f"{_account_path(user_id)}/codes/{quote(challenge_id, safe='')}/check",
            body={"code": code},
            retries=0,
        )
        return answer.result

    def notify(
        self,
        user_id: str,
        channel: ContactChannel,
        template: str,
        params: Mapping[str, str],
        idempotency_key: str,
    ) -> None:
        body = {"channel": channel.value, "template": template, "params": dict(params)}
        self._post(Accepted, user_id, "/notifications", body, idempotency_key)

    def execute_change(
        self, user_id: str, change: ChangeRequest, idempotency_key: str
    ) -> ChangeResult:
        return self._post(ChangeResult, user_id, "/changes", to_wire(change), idempotency_key)

    # --- the sandbox ---------------------------------------------------------------

    def read_code(self, challenge_id: str) -> str:
        """The code a sandbox "sent" (GET /v1/sandbox/codes/…); only sandboxes answer it."""
        path = f"/v1/sandbox/codes/{quote(challenge_id, safe='')}"
        return self._call(SandboxCode, "GET", path).code

    # --- the wire ------------------------------------------------------------------

    def _get(self, kind: type[T], user_id: str, path: str, **query: int) -> T:
        return self._call(kind, "GET", _account_path(user_id) + path, query=query)

    def _post(
        self, kind: type[T], user_id: str, path: str, body: dict[str, Any], idempotency_key: str
    ) -> T:
        path = _account_path(user_id) + path
        return self._call(kind, "POST", path, body=body, idempotency_key=idempotency_key)

    def _call(
        self,
        kind: type[T],
        method: str,
        path: str,
        *,
        query: Mapping[str, int] | None = None,
        body: dict[str, Any] | None = None,
        idempotency_key: str = "",
        retries: int = RETRIES,
    ) -> T:
        """Send, retrying what a retry may cure; a POST without a key is never retried."""
        if method == "POST" and not idempotency_key:
            retries = 0
        target = path + (f"?{urlencode(query)}" if query else "")
        content = json.dumps(body).encode() if body is not None else b""
        for attempt in range(retries):
            try:
                return self._send(kind, method, target, content, idempotency_key)
            except ConnectorError as error:
                if not error.transient:
                    raise
                log.warning("platform %s %s: %s, retrying", method, path, error.code)
                time.sleep(BACKOFF * 2**attempt)
        return self._send(kind, method, target, content, idempotency_key)

    def _send(
        self, kind: type[T], method: str, target: str, content: bytes, idempotency_key: str
    ) -> T:
        request = client().build_request(
            method,
            self.url + target,
            content=content,
            headers={"Content-Type": "application/json"},
            timeout=self.timeout,
        )
        # Signed as httpx will send it (its own percent-encoding), with a new nonce every
        # attempt: the platform refuses a nonce it has seen.
        headers = signing.sign_request(
            self.secret, method, request.url.raw_path.decode("ascii"), content
        )
        request.headers.update(headers)
        if idempotency_key:
            request.headers["Idempotency-Key"] = idempotency_key
        try:
            response = client().send(request)
        except httpx.TimeoutException:
            raise ConnectorError(
                f"{method} {request.url.path} timed out", code=ErrorCode.TIMEOUT
            ) from None
        except httpx.HTTPError as error:
            raise ConnectorError(f"{method} {request.url.path}: {type(error).__name__}") from None
        return _answer(kind, self.secret, headers[signing.NONCE], response)


def _account_path(user_id: str) -> str:
    return f"/v1/accounts/{quote(user_id, safe='')}"


def _answer(kind: type[T], secret: str, nonce: str, response: httpx.Response) -> T:
    status, method, path = response.status_code, response.request.method, response.url.path
    if status >= 500:
        # A proxy's 502 is not signed, and an outage claims nothing a forger could use.
        raise ConnectorError(f"{method} {path}: HTTP {status}", code=ErrorCode.UNAVAILABLE)
    if status == 401:
        # Signed with the secret the platform has, which is not Kefu's: it cannot verify.
        raise ConnectorError(f"{method} {path}: HTTP 401", code=ErrorCode.BAD_SIGNATURE)
    try:
        signing.verify_response(secret, response.headers, nonce, status, response.content)
        data = json.loads(response.content) if response.content else None
        if status >= 400:
            raise _error(status, data)
        return from_wire(kind, data)
    # A Decimal refuses its text with an ArithmeticError, not a ValueError.
    except (signing.SignatureError, ValueError, TypeError, ArithmeticError) as refused:
        log.warning(
            "platform %s %s: HTTP %s refused (%s): %r",
            method, path, status, refused, response.text[:LOGGED_BODY],
        )  # fmt: skip
        raise ConnectorError(f"{method} {path}: {refused}", code=ErrorCode.REFUSED) from None


def _error(status: int, data: Any) -> ConnectorError:
    error = _typed(dict, _typed(dict, data).get("error"))
    code = _typed(str, error.get("code"))
    params = {str(key): str(value) for key, value in _typed(dict, error.get("params", {})).items()}
    if code == ErrorCode.UNKNOWN_CUSTOMER:
        return UnknownCustomer(params.get("user_id", ""))
    # A code Kefu does not know is kept as it came: errors.describe words it as a refusal.
    return ConnectorError(f"HTTP {status}: {code}", code=code, params=params)
