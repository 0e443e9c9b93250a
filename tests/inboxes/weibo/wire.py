"""Weibo's wire format, as Weibo's servers send it: the JSON of each push, signed with
the App Secret (SHA-1 of the sorted secret, millisecond timestamp and nonce).

The signature is computed here independently of kefu's code, from the documented
example (open.weibo.com/wiki/Messages_api_start), which test_receiver checks.
"""

import hashlib
import json
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass

APP_KEY = "3512345678"
APP_SECRET = "8f1c2e3d4b5a69788796a5b4c3d2e1f0"
ACCESS_TOKEN = "2.00kefuWeiboAccessToken0123456789"
ACCOUNT_UID = "7510000001"
FAN_UID = "2489518277"
CREATED_AT = "Mon Jul 16 18:09:20 +0800 2012"


@dataclass(frozen=True)
class Request:
    query: dict[str, str]
    body: bytes


def signature(secret: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([secret, timestamp, nonce])).encode()).hexdigest()


def query(
    secret: str = APP_SECRET, timestamp: str | None = None, nonce: str | None = None
) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time() * 1000))
    nonce = nonce or str(random.randint(10_000_000, 99_999_999))
    return {
        "signature": signature(secret, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def push(
    msg_type: str,
    text: str = "",
    data: Mapping[str, object] | None = None,
    sender: str = FAN_UID,
    receiver: str = ACCOUNT_UID,
    created_at: str = CREATED_AT,
) -> bytes:
    return json.dumps(
        {
            "type": msg_type,
            "receiver_id": int(receiver),
            "sender_id": int(sender),
            "created_at": created_at,
            "text": text,
            "data": dict(data or {}),
        },
        ensure_ascii=False,
    ).encode()


def text(content: str, sender: str = FAN_UID, created_at: str = CREATED_AT) -> bytes:
    return push("text", content, sender=sender, created_at=created_at)


def signed(body: bytes, **signing: str) -> Request:
    return Request(query=query(**signing), body=body)
