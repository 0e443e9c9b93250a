"""A public reply to the account's post that exposes a secret: hidden at X, its author
told by DM, and nothing of it stored."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from mnemonic import Mnemonic

from kefu.conversations.models import Message
from kefu.inboxes.x.models import XAccount
from tests.inboxes.x import wire
from tests.inboxes.x.conftest import post
from tests.inboxes.x.x_server import XServer

pytestmark = pytest.mark.django_db

AUTHOR = "1700000000000000077"
PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))


def _tweet(tweet_id: str, text: str, *, to: str = wire.USER_ID, author: str = AUTHOR) -> bytes:
    tweet: dict[str, Any] = {
        "created_at": "Sun Dec 06 21:00:00 +0000 2026",
        "id": int(tweet_id),
        "id_str": tweet_id,
        "text": text[:140],
        "truncated": len(text) > 140,
        "in_reply_to_status_id_str": "1600000000000000500",
        "in_reply_to_user_id_str": to,
        "in_reply_to_screen_name": wire.USERNAME,
        "user": {"id": int(author), "id_str": author, "screen_name": "worried_holder"},
    }
    if len(text) > 140:
        tweet["extended_tweet"] = {"full_text": text}
    return json.dumps({"for_user_id": wire.USER_ID, "tweet_create_events": [tweet]}).encode()


def test_a_reply_with_a_recovery_phrase_is_hidden_and_its_author_told(
    client: Client, account: XAccount, x_server: XServer, run_tasks: Callable[[], None]
) -> None:
    body = _tweet("1600000000000000601", f"@kefuexchange help, my phrase is {PHRASE}")
    response = post(client, account, body)
    assert response.status_code == 200
    assert PHRASE.split()[0] not in response.content.decode()
    run_tasks()
    [hidden] = x_server.requests_to("/2/tweets/1600000000000000601/hidden")
    assert hidden.method == "PUT"
    assert hidden.json() == {"hidden": True}
    assert x_server.oauth_valid(hidden)
    [told] = x_server.requests_to(f"/2/dm_conversations/with/{AUTHOR}/messages")
    assert x_server.oauth_valid(told)
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("text", "to", "author"),
    [
        ("@kefuexchange when is the next listing?", wire.USER_ID, AUTHOR),
        (f"my phrase is {PHRASE}", "42", AUTHOR),
        (f"example phrase {PHRASE}", wire.USER_ID, wire.USER_ID),
    ],
    ids=["no_secret", "not_a_reply_to_us", "our_own_post"],
)
def test_other_posts_are_left_alone(
    client: Client,
    account: XAccount,
    x_server: XServer,
    run_tasks: Callable[[], None],
    text: str,
    to: str,
    author: str,
) -> None:
    body = _tweet("1600000000000000602", text, to=to, author=author)
    assert post(client, account, body).status_code == 200
    run_tasks()
    assert not x_server.requests_to("/2/")
