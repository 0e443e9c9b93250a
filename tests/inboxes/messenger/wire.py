"""What Meta sends a page's webhook: the X-Hub-Signature-256 header over the raw body."""

import hashlib
import hmac
import json
from typing import Any

from tests.inboxes.messenger.graph_server import APP_SECRET, PAGE_ID

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    """Meta's header value: "sha256=" and the hex HMAC-SHA256 of the body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    # Meta escapes non-ASCII as \uXXXX (and "/" as "\/"); the signature is over these bytes.
    return json.dumps(payload).replace("/", "\\/").encode()


def batch(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "entry": list(entries)}


def entry(*events: dict[str, Any], page_id: str = PAGE_ID) -> dict[str, Any]:
    return {"id": page_id, "time": 1733500000000, "messaging": list(events)}


def message(
    psid: str,
    mid: str,
    text: str = "",
    *,
    attachments: list[dict[str, Any]] | None = None,
    page_id: str = PAGE_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A customer's message event, as Meta posts it."""
    body: dict[str, Any] = {"mid": mid, **extra}
    if text:
        body["text"] = text
    if attachments:
        body["attachments"] = attachments
    return {
        "sender": {"id": psid},
        "recipient": {"id": page_id},
        "timestamp": 1733500000000,
        "message": body,
    }


def attachment(kind: str, url: str) -> dict[str, Any]:
    return {"type": kind, "payload": {"url": url}}


def postback(psid: str, payload: str, title: str = "", mid: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"payload": payload, "title": title or payload}
    if mid:
        body["mid"] = mid
    return {
        "sender": {"id": psid},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1733500000000,
        "postback": body,
    }
