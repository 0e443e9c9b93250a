"""Saving an account: listed as official; without API access its inbox is switched off."""

from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.contacts.actions import add_identity
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.reply_window import Mode, reply_window
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.x import actions
from kefu.inboxes.x.platform import XError
from kefu.safety.verification import Verdict, verify
from tests.inboxes.x.conftest import make_account
from tests.inboxes.x.x_server import XServer

pytestmark = pytest.mark.django_db


def test_the_handle_is_listed_as_official() -> None:
    make_account()
    assert verify("@kefuexchange", kind="x").verdict == Verdict.OFFICIAL


def test_an_x_account_needs_an_x_inbox() -> None:
    inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    with pytest.raises(ValueError, match="X inbox"):
        actions.save_account(
            inbox=inbox, user_id="1", username="a", consumer_key="k", consumer_secret="s",
            access_token="t", access_token_secret="u",
        )  # fmt: skip


def test_without_api_access_the_inbox_is_off_and_the_window_offers_alternatives(
    agent_factory: Callable[..., Agent],
) -> None:
    account = make_account()
    message = receive_message(
        InboundMessage(inbox=account.inbox, text="hi", identity_kind=IdentityKind.X,
                       identity_value="1700000000000000042", external_id="dm:1")
    )  # fmt: skip
    inbox = account.inbox
    actions.save_account(
        inbox=inbox, user_id=account.user_id, username=account.username,
        consumer_key=account.consumer_key, consumer_secret=account.consumer_secret,
        access_token=account.access_token, access_token_secret=account.access_token_secret,
        api_access=False,
    )  # fmt: skip
    # The other ways need the customer's email, which X never gives: one they wrote with.
    add_identity(message.conversation.contact, IdentityKind.EMAIL, "sam@customer.example")
    inbox.refresh_from_db()
    assert not inbox.is_active
    window = reply_window(message.conversation)
    assert window.mode == Mode.CLOSED
    assert window.alternatives


def test_check_credentials_asks_x_who_the_keys_belong_to(x_server: XServer) -> None:
    account = make_account()
    assert actions.check_credentials(account) == "kefuexchange"
    [asked] = x_server.requests_to("/2/users/me")
    assert x_server.oauth_valid(asked)
    account.consumer_secret = "wrong"
    with pytest.raises(XError) as refused:
        actions.check_credentials(account)
    assert refused.value.status == 401
