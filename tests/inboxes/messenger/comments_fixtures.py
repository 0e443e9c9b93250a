"""A Facebook page and its local Graph API, and feed changes as Meta sends them.

The feed change's shape follows Meta's "feed" field of the Page webhooks: a comment is
{"item": "comment", "verb", "comment_id", "post_id", "parent_id", "message", "from",
"created_time", "post"}; a visitor's post is {"item": "status"/"post", "verb", "post_id",
"message", "from", ...}.
"""

import random
import time
from typing import Any

from mnemonic import Mnemonic

from tests.inboxes.messenger.graph_server import (
    PAGE_ID,
    GraphServer,
    path,
)
from tests.safety.vectors import wif

ENGLISH_PHRASE = Mnemonic("english").to_mnemonic(bytes(range(40, 56)))
CHINESE_PHRASE = Mnemonic("chinese_simplified").to_mnemonic(bytes(range(56, 72)))
PRIVATE_KEY = wif(random.Random(7))

POST_ID = f"{PAGE_ID}_880011223344556"
COMMENT_ID = "880011223344556_1029384756102938"
VISITOR_POST_ID = f"{PAGE_ID}_771122334455667"
AUTHOR_ID = "6150012345678901"  # from.id: an id the page sees, not a PSID
PSID = "24881234567890123"  # what Meta's answer to the private reply names


def expect_meta_to_agree(server: GraphServer) -> None:
    """Meta's Graph API in its usual mood: hides, deletes and private replies succeed."""
    server.reply(path(COMMENT_ID), 200, {"success": True})
    server.reply(path(VISITOR_POST_ID), 200, {"success": True})
    server.reply(
        path(f"{PAGE_ID}/messages"), 200, {"recipient_id": PSID, "message_id": "m_AbCdEf0123456789"}
    )


def comment(
    message: str,
    *,
    verb: str = "add",
    comment_id: str = COMMENT_ID,
    author_id: str = AUTHOR_ID,
    author_name: str = "Lin Wei",
) -> dict[str, Any]:
    """A `feed` change value for a comment on the page's post."""
    created = int(time.time())
    return {
        "from": {"id": author_id, "name": author_name},
        "post": {
            "status_type": "added_photos",
            "is_published": True,
            "updated_time": "2026-12-06T10:00:00+0000",
            "permalink_url": f"https://www.facebook.com/{POST_ID}",
            "promotion_status": "inactive",
            "id": POST_ID,
        },
        "message": message,
        "post_id": POST_ID,
        "comment_id": comment_id,
        "created_time": created,
        "item": "comment",
        "parent_id": POST_ID,
        "verb": verb,
    }


def visitor_post(message: str, *, author_id: str = AUTHOR_ID) -> dict[str, Any]:
    """A `feed` change value for a visitor's post on the page."""
    return {
        "from": {"id": author_id, "name": "Chan Tai Man"},
        "message": message,
        "post_id": VISITOR_POST_ID,
        "created_time": int(time.time()),
        "item": "status",
        "published": 1,
        "verb": "add",
    }
