"""Public replies to the account's posts that expose a secret: hidden, and the author told
why by DM.

A customer who answers the exchange's post with a recovery phrase or a private key has
published it; scammers read those threads. X lets the account hide a reply in a
conversation it started (PUT /2/tweets/{id}/hidden), which removes it from the thread at
once. Nothing of the reply is stored in Kefu: the webhook queues only the reply's id and
its author's id, so the secret never reaches the database or a job's arguments.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from kefu.inboxes.x.models import XAccount
from kefu.inboxes.x.platform import XError, call
from kefu.safety.redaction import find_secrets

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExposedReply:
    tweet_id: str
    author_id: str


def _text(tweet: dict[str, Any]) -> str:
    # A post over 140 characters comes truncated, its whole text in extended_tweet.
    extended = tweet.get("extended_tweet")
    if isinstance(extended, dict) and extended.get("full_text"):
        return str(extended["full_text"])
    return str(tweet.get("text", ""))


def exposed_replies(events: object, user_id: str) -> list[ExposedReply]:
    """The tweet_create_events that answer the account and hold a secret."""
    found: list[ExposedReply] = []
    for tweet in events if isinstance(events, list) else []:
        if not isinstance(tweet, dict) or not isinstance(tweet.get("user"), dict):
            continue
        author = str(tweet["user"].get("id_str", ""))
        if str(tweet.get("in_reply_to_user_id_str", "")) != user_id or author in ("", user_id):
            continue
        if tweet.get("id_str") and find_secrets(_text(tweet)):
            found.append(ExposedReply(str(tweet["id_str"]), author))
    return found


def warning() -> str:
    return _(
        "We hid your reply to our post: it looked like a recovery phrase, private key or "
        "password, which anyone could read. If it was real, move your funds to a new wallet "
        "now. Our staff will never ask you for it."
    )


@task()
def hide_reply(inbox_id: int, tweet_id: str, author_id: str) -> None:
    """Hide the reply, then DM its author why (they may not take DMs from us: logged)."""
    account = XAccount.objects.filter(inbox_id=inbox_id, api_access=True).first()
    if account is None:
        return
    try:
        call(account, "PUT", f"/2/tweets/{tweet_id}/hidden", json={"hidden": True})
    except XError as failed:
        # X hides replies only in conversations the account started.
        logger.warning("x reply %s could not be hidden: %s", tweet_id, failed)
    try:
        call(
            account,
            "POST",
            f"/2/dm_conversations/with/{author_id}/messages",
            json={"text": warning()},
        )
    except XError as failed:
        logger.info("x reply %s: its author cannot be written to: %s", tweet_id, failed)
