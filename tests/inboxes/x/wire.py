"""X's Account Activity wire format, built and signed as X does (HMAC-SHA256 of the raw
body with the app's consumer secret, base64, "sha256=")."""

import base64
import hashlib
import hmac
import json
from typing import Any

USER_ID = "1500000000000000001"
USERNAME = "kefuexchange"
CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog"
CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
ACCESS_TOKEN = "1500000000000000001-NRPyTaB2rP1zIqnjWf4mXfo0TnFqsm"
ACCESS_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"


def sign(body: bytes, secret: str = CONSUMER_SECRET) -> str:
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(mac).decode()


def dm_event(
    event_id: str,
    sender_id: str,
    text: str,
    *,
    recipient_id: str = USER_ID,
    urls: list[dict[str, Any]] | None = None,
    media: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": text,
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": urls or []},
    }
    if media is not None:
        data["attachment"] = {"type": "media", "media": media}
    return {
        "type": "message_create",
        "id": event_id,
        "created_timestamp": "1765051200000",
        "message_create": {
            "target": {"recipient_id": recipient_id},
            "sender_id": sender_id,
            "message_data": data,
        },
    }


def photo(t_co: str = "https://t.co/Xy7pQ1aBcD") -> dict[str, Any]:
    """A DM photo as X describes it: the file at ton.twitter.com, a t.co link in the text."""
    return {
        "id": 1590000000000000000,
        "id_str": "1590000000000000000",
        "media_url_https": "https://ton.twitter.com/1.1/ton/data/dm/1/2/AbCdEf.jpg",
        "url": t_co,
        "display_url": "pic.x.com/Xy7pQ1aBcD",
        "expanded_url": "https://x.com/messages/media/1590000000000000000",
        "type": "photo",
        "sizes": {"large": {"w": 1024, "h": 768, "resize": "fit"}},
    }


def user(user_id: str, name: str, screen_name: str) -> dict[str, Any]:
    return {"id": user_id, "created_timestamp": "1422556069340", "name": name,
            "screen_name": screen_name, "protected": False, "verified": False,
            "followers_count": 10, "friends_count": 20, "statuses_count": 30}  # fmt: skip


def payload(*events: dict[str, Any], for_user_id: str = USER_ID, **users: str) -> bytes:
    """A webhook POST body; `users` maps a sender id to their name."""
    people = {uid: user(uid, name, f"user{uid[-4:]}") for uid, name in users.items()}
    people.setdefault(USER_ID, user(USER_ID, "Kefu Exchange", USERNAME))
    body = {"for_user_id": for_user_id, "direct_message_events": list(events), "users": people}
    return json.dumps(body).encode()
