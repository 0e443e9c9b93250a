"""What Meta sends a page's webhook: the X-Hub-Signature-256 header over the raw body."""

import hashlib
import hmac
import json
from typing import Any

from tests.inboxes.messenger.graph_server import APP_SECRET

SIGNATURE_HEADER = "X-Hub-Signature-256"


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    """Meta's header value: "sha256=" and the hex HMAC-SHA256 of the body with the app secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload: dict[str, Any]) -> bytes:
    # Meta escapes non-ASCII as \uXXXX (and "/" as "\/"); the signature is over these bytes.
    return json.dumps(payload).replace("/", "\\/").encode()
