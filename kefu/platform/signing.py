"""HMAC signatures of the platform connector's requests and responses (docs/platform-connector.md).

Both sides hold one shared secret. A request is signed over its timestamp, a random nonce,
the method, the path with its query and the SHA-256 of the body; the platform answers
signed over the same nonce, its status and its body, so that someone between Kefu and the
platform can neither forge "code valid" nor replay an old answer to a new question.
Plain Python with no Django, so an exchange's Python service can import it as it is.
"""

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Mapping

TIMESTAMP = "X-Kefu-Timestamp"
NONCE = "X-Kefu-Nonce"
SIGNATURE = "X-Kefu-Signature"
VERSION = "v1="
# How far a timestamp may be from the receiver's clock, either way.
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """A message that must not be believed; `reason` says why, for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _digest(secret: str, *parts: str) -> str:
    message = "\n".join(parts).encode()
    return VERSION + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_signature(
    secret: str, timestamp: str, nonce: str, method: str, path: str, body: bytes
) -> str:
    """`path` is the path as sent, with its query string (`/kefu/v1/fees?limit=5`)."""
    return _digest(secret, timestamp, nonce, method.upper(), path, _body_hash(body))


def response_signature(secret: str, timestamp: str, nonce: str, status: int, body: bytes) -> str:
    return _digest(secret, timestamp, nonce, str(status), _body_hash(body))


def sign_request(secret: str, method: str, path: str, body: bytes) -> dict[str, str]:
    """The headers that sign a request; a fresh nonce and timestamp every call."""
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    signature = request_signature(secret, timestamp, nonce, method, path, body)
    return {TIMESTAMP: timestamp, NONCE: nonce, SIGNATURE: signature}


def sign_response(secret: str, nonce: str, status: int, body: bytes) -> dict[str, str]:
    """The headers that sign a response to the request that carried `nonce`."""
    timestamp = str(int(time.time()))
    signature = response_signature(secret, timestamp, nonce, status, body)
    return {TIMESTAMP: timestamp, NONCE: nonce, SIGNATURE: signature}


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {key.lower(): value for key, value in headers.items()}
    return lowered.get(name.lower(), "")


def _check_time(timestamp: str) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError("timestamp missing or not a number") from None
    if abs(time.time() - sent) > TOLERANCE_SECONDS:
        raise SignatureError("timestamp outside the allowed window")


def _check(expected: str, given: str) -> None:
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise SignatureError("signature does not match")


class NonceCache:
    """Nonces seen within the timestamp window, to refuse a replayed request.

    In memory, for one process; a platform running several needs a shared store
    (Redis SET NX EX 600) with the same rule.
    """

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, nonce: str) -> bool:
        now = time.time()
        with self._lock:
            # A nonce older than twice the window can no longer come with a valid timestamp.
            self._seen = {n: t for n, t in self._seen.items() if now - t < 2 * TOLERANCE_SECONDS}
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


def verify_request(
    secret: str,
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    nonces: NonceCache,
) -> None:
    """Raise SignatureError unless the request is Kefu's, fresh and not seen before."""
    timestamp, nonce = _header(headers, TIMESTAMP), _header(headers, NONCE)
    _check_time(timestamp)
    if not nonce:
        raise SignatureError("nonce missing")
    _check(
        request_signature(secret, timestamp, nonce, method, path, body), _header(headers, SIGNATURE)
    )
    # Only a correctly signed nonce is remembered, so forged requests cannot fill the cache.
    if not nonces.first_time(nonce):
        raise SignatureError("nonce seen before (replay)")


def verify_response(
    secret: str, headers: Mapping[str, str], nonce: str, status: int, body: bytes
) -> None:
    """Raise SignatureError unless this is the platform's answer to the request with `nonce`."""
    timestamp = _header(headers, TIMESTAMP)
    _check_time(timestamp)
    if not hmac.compare_digest(_header(headers, NONCE).encode(), nonce.encode()):
        raise SignatureError("answer to another request")
    _check(response_signature(secret, timestamp, nonce, status, body), _header(headers, SIGNATURE))
