"""What X's wire needs from us: the CRC answer and the webhook signature (HMAC-SHA256 with
the app's consumer secret), and API calls signed with OAuth 1.0a in the account's user
context (oauthlib signs; httpx sends).

X's API address is settings.KEFU_X_API_URL, so tests reach a local server instead.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from oauthlib.oauth1 import Client

from kefu.core import http_client
from kefu.inboxes.x.models import XAccount

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
TIMEOUT = 20.0


def _digest(consumer_secret: str, data: bytes) -> str:
    mac = hmac.new(consumer_secret.encode(), data, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(mac).decode()


def crc_response(consumer_secret: str, crc_token: str) -> str:
    """The response_token X expects for a CRC: proves we hold the consumer secret."""
    return _digest(consumer_secret, crc_token.encode())


def signature(consumer_secret: str, body: bytes) -> str:
    """The x-twitter-webhooks-signature X puts on a POST of `body`."""
    return _digest(consumer_secret, body)


def signed(consumer_secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is X's signature of `body` (compared in constant time)."""
    return hmac.compare_digest(signature(consumer_secret, body).encode(), header.encode())


@dataclass
class XError(Exception):
    """X refused a call (its HTTP status and error detail), or did not answer (status None)."""

    message: str
    status: int | None = None
    # Seconds until the rate limit resets (x-rate-limit-reset), on a 429.
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"HTTP {self.status}: {self.message}" if self.status else self.message


def url(path: str) -> str:
    return f"{settings.KEFU_X_API_URL.rstrip('/')}/{path.lstrip('/')}"


def _detail(response: httpx.Response) -> str:
    """X's problem text: `detail` of a v2 problem, or the first of a v1.1 `errors` list."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        if body.get("detail"):
            return str(body["detail"])
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
    return f"HTTP {response.status_code}"


def _retry_after(response: httpx.Response, now: float) -> float | None:
    reset = response.headers.get("x-rate-limit-reset", "")
    try:
        return max(float(reset) - now, 1.0)
    except ValueError:
        return None


def call(
    account: XAccount, method: str, path: str, *, json: Any = None, timeout: float = TIMEOUT
) -> dict[str, Any]:
    """One API request signed as the account (OAuth 1.0a, HMAC-SHA1); X's answer, or XError.

    A JSON body is not part of the OAuth signature (RFC 5849 signs form bodies only), so
    the request is signed without it and the body is sent as it is.
    """
    oauth = Client(
        account.consumer_key,
        client_secret=account.consumer_secret,
        resource_owner_key=account.access_token,
        resource_owner_secret=account.access_token_secret,
    )
    address, headers, _body = oauth.sign(url(path), http_method=method)
    try:
        response = http_client.client().request(
            method, address, json=json, headers=headers, timeout=timeout
        )
    except httpx.HTTPError as failed:
        raise XError(f"{type(failed).__name__}: {failed}") from failed
    if response.status_code >= 400:
        raise XError(
            _detail(response),
            status=response.status_code,
            retry_after=_retry_after(response, time.time()),
        )
    try:
        answer = response.json()
    except ValueError as garbled:
        raise XError("X answered with no JSON", status=response.status_code) from garbled
    return answer if isinstance(answer, dict) else {}
