"""Replies sent as DMs to the local X server, which checks each request's OAuth 1.0a
signature; X's refusals map to retry, unreachable or a permanent failure."""

import time
from collections.abc import Callable

import pytest
from django.utils import translation

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.actions import receive_message, send_reply
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Message
from kefu.conversations.outbound import PermanentError, RetryableError
from kefu.inboxes.x import outbound
from kefu.inboxes.x.models import XAccount
from tests.inboxes.x import wire
from tests.inboxes.x.x_server import XServer

pytestmark = pytest.mark.django_db

CUSTOMER = "1700000000000000042"
PATH = f"/2/dm_conversations/with/{CUSTOMER}/messages"


@pytest.fixture
def reply(account: XAccount, agent_factory: Callable[..., Agent]) -> Callable[[str], Message]:
    inbound = receive_message(
        InboundMessage(
            inbox=account.inbox, text="hi", identity_kind=IdentityKind.X,
            identity_value=CUSTOMER, external_id="dm:1",
        )
    )  # fmt: skip
    agent = agent_factory()

    def make(text: str) -> Message:
        return send_reply(conversation=inbound.conversation, agent=agent, text=text)

    return make


def test_a_reply_is_posted_signed_as_the_account(
    x_server: XServer, reply: Callable[[str], Message]
) -> None:
    outbound.deliver(reply("We are checking your deposit."))
    [sent] = x_server.requests_to(PATH)
    assert sent.method == "POST"
    assert sent.headers["authorization"].startswith("OAuth ")
    assert x_server.oauth_valid(sent)
    body = sent.json()
    assert isinstance(body, dict)
    assert set(body) == {"text"}
    # The first reply of a conversation carries the safety line.
    assert body["text"].startswith("We are checking your deposit.\n\n")


def test_wrong_keys_are_refused_by_the_server_and_fail_permanently(
    x_server: XServer, account: XAccount, reply: Callable[[str], Message]
) -> None:
    XAccount.objects.filter(pk=account.pk).update(access_token_secret="revoked")
    with pytest.raises(PermanentError, match="401"):
        outbound.deliver(reply("hello"))
    assert not x_server.oauth_valid(x_server.requests_to(PATH)[0])


def test_a_long_reply_is_split_at_10000_characters(
    x_server: XServer, reply: Callable[[str], Message]
) -> None:
    outbound.deliver(reply("a" * 9_000 + "\n" + "b" * 9_000))
    texts = [r.json()["text"] for r in x_server.requests_to(PATH)]  # type: ignore[index]
    assert len(texts) == 2
    assert all(len(text) <= outbound.TEXT_LIMIT for text in texts)
    assert texts[0] == "a" * 9_000


def test_a_rate_limit_is_retried_after_the_reset(
    x_server: XServer, reply: Callable[[str], Message]
) -> None:
    x_server.replies.pop("/2/dm_conversations/with/")
    reset = str(int(time.time()) + 120)
    x_server.rate_limit_reset = reset
    too_many = {"title": "Too Many Requests", "type": "about:blank", "status": 429}
    x_server.reply("/2/dm_conversations/with/", 429, too_many)
    with pytest.raises(RetryableError) as retry:
        outbound.deliver(reply("hello"))
    assert retry.value.retry_after is not None
    assert 100 <= retry.value.retry_after <= 121


def test_a_server_error_is_retried(x_server: XServer, reply: Callable[[str], Message]) -> None:
    x_server.replies.pop("/2/dm_conversations/with/")
    x_server.reply("/2/dm_conversations/with/", 503, {"title": "Service Unavailable"})
    with pytest.raises(RetryableError):
        outbound.deliver(reply("hello"))


def test_a_user_who_closed_dms_is_marked_unreachable(
    x_server: XServer, reply: Callable[[str], Message]
) -> None:
    x_server.replies.pop("/2/dm_conversations/with/")
    closed = {"title": "Forbidden", "type": "about:blank", "status": 403,
              "detail": "You cannot send messages to this user."}  # fmt: skip
    x_server.reply("/2/dm_conversations/with/", 403, closed)
    with pytest.raises(PermanentError):
        outbound.deliver(reply("hello"))
    identity = ContactIdentity.objects.get(kind=IdentityKind.X, value=CUSTOMER)
    assert identity.unreachable_since is not None
    assert "You cannot send messages to this user." in identity.unreachable_reason


def test_an_account_without_api_access_sends_nothing(
    x_server: XServer, account: XAccount, reply: Callable[[str], Message]
) -> None:
    message = reply("hello")
    XAccount.objects.filter(pk=account.pk).update(api_access=False)
    with translation.override("en"), pytest.raises(PermanentError, match="API access"):
        outbound.deliver(message)
    assert not x_server.requests_to(PATH)


def test_the_local_server_checks_the_signature_by_hand_too(x_server: XServer) -> None:
    import httpx

    forged = 'OAuth oauth_consumer_key="%s", oauth_token="%s", oauth_signature_method="HMAC-SHA1", oauth_signature="AAAA", oauth_timestamp="1", oauth_nonce="n", oauth_version="1.0"'  # noqa: E501
    response = httpx.post(
        f"{x_server.url}{PATH}",
        json={"text": "hi"},
        headers={"Authorization": forged % (wire.CONSUMER_KEY, wire.ACCESS_TOKEN)},
    )
    assert response.status_code == 401
