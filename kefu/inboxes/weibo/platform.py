"""Weibo's 粉丝服务平台 (fan service platform) wire format, behind a small typed API.

From Weibo's public documentation (open.weibo.com/wiki: Messages_api_start, 消息推送服务,
Receive_General_Message, C/2/messages/reply/biz):
- every request Weibo sends carries signature, timestamp (milliseconds) and nonce in the
  query; signature = SHA-1 of the App Secret, timestamp and nonce sorted and joined;
- a push is a JSON object: type (text, position, voice, image, event), sender_id,
  receiver_id, created_at ("Mon Jul 16 18:09:20 +0800 2012"), text, data;
- a reply is a form POST to /2/messages/reply.json: access_token, type, data (the
  message's JSON, URL-encoded by the form), receiver_id, save_sender_box.
Nothing here touches the database.
"""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

REPLY_PATH = "/2/messages/reply.json"
_TIMEOUT = 10
_CREATED_AT = "%a %b %d %H:%M:%S %z %Y"


class Unreadable(Exception):
    """The body is not a Weibo push (not JSON, or without its fields)."""


class ApiError(Exception):
    """Weibo refused a call (`code` is its error_code) or could not be reached (`code`
    None; `status` is the HTTP status when there was an answer)."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Parsed:
    """One pushed message or event; `data` is the type's own fields (empty for text)."""

    msg_type: str
    sender: str  # the fan's uid
    recipient: str  # the account's uid
    created_at: str  # as Weibo wrote it: with sender_id, what Weibo says identifies a push
    text: str
    data: dict[str, object] = field(default_factory=dict)

    @property
    def subtype(self) -> str:
        value = self.data.get("subtype", "")
        return value.lower() if isinstance(value, str) else ""


def signature(app_secret: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([app_secret, timestamp, nonce])).encode()).hexdigest()


def signed(app_secret: str, given: str, timestamp: str, nonce: str) -> bool:
    if not (given and timestamp and nonce and app_secret):
        return False
    return hmac.compare_digest(signature(app_secret, timestamp, nonce), given.lower())


def _uid(value: object) -> str:
    # Documented as int64; a string of digits is taken too (some SDKs send strings).
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not text.isdigit():
        raise Unreadable("sender_id and receiver_id are numeric uids")
    return text


def parse(body: bytes) -> Parsed:
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Unreadable("not JSON") from error
    if not isinstance(raw, dict):
        raise Unreadable("not a JSON object")
    msg_type, created_at = raw.get("type"), raw.get("created_at")
    if not isinstance(msg_type, str) or not isinstance(created_at, str):
        raise Unreadable("type and created_at are strings")
    try:
        datetime.strptime(created_at, _CREATED_AT)
    except ValueError as error:
        raise Unreadable("created_at is not Weibo's date") from error
    text, data = raw.get("text", ""), raw.get("data") or {}
    if not isinstance(text, str) or not isinstance(data, dict):
        raise Unreadable("text is a string and data an object")
    return Parsed(
        msg_type=msg_type,
        sender=_uid(raw.get("sender_id")),
        recipient=_uid(raw.get("receiver_id")),
        created_at=created_at,
        text=text,
        data=data,
    )


def send_text(access_token: str, receiver_id: str, text: str) -> None:
    """One text message to a fan through the reply API; ApiError on any refusal."""
    form = {
        "access_token": access_token,
        "type": "text",
        "data": json.dumps({"text": text}, ensure_ascii=False),
        "receiver_id": receiver_id,
        # Keep the reply in the account's own 私信 box too, as the default does.
        "save_sender_box": "1",
    }
    url = settings.KEFU_WEIBO_API_URL.rstrip("/") + REPLY_PATH
    try:
        response = requests.post(url, data=form, timeout=_TIMEOUT)
    except requests.RequestException as error:
        raise ApiError(f"Weibo unreachable: {error.__class__.__name__}") from error
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "error_code" in answer:
        code = answer.get("error_code")
        raise ApiError(
            f"Weibo error {code}: {answer.get('error', '')}",
            code=int(code) if isinstance(code, int | str) and str(code).isdigit() else None,
            status=response.status_code,
        )
    if response.status_code != 200:
        raise ApiError(f"Weibo answered HTTP {response.status_code}", status=response.status_code)
