import time
from typing import Any

import jwt
import pytest

from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.identity import identify, issue_session, platform_user
from tests.inboxes.webchat.conftest import SECRET, identity_token


def test_a_valid_token_names_the_platform_user(chat_inbox: Inbox) -> None:
    user = platform_user(chat_inbox, identity_token("u-42", name="Li Na"))
    assert user is not None
    assert (user.user_id, user.name) == ("u-42", "Li Na")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-jwt",
        identity_token("u-42", secret="someone-elses-secret-0123456789"),
        identity_token("u-42", lifetime=-10),  # expired
        identity_token("u-42", lifetime=7 * 24 * 3600),  # lives too long to be per page load
        jwt.encode({"sub": "u-42", "iat": int(time.time())}, SECRET, algorithm="HS256"),  # no exp
        jwt.encode(
            {"sub": "u-42", "iat": int(time.time()), "exp": int(time.time()) + 60},
            SECRET,
            algorithm="HS512",
        ),
        # "alg": "none": unsigned claims must never be believed.
        jwt.encode(
            {"sub": "u-42", "iat": int(time.time()), "exp": int(time.time()) + 60},
            "",
            algorithm="none",
        ),
    ],
    ids=["empty", "garbage", "wrong-secret", "expired", "too-long", "no-exp", "hs512", "none"],
)
def test_unsigned_badly_signed_or_expired_claims_are_ignored(chat_inbox: Inbox, token: str) -> None:
    assert platform_user(chat_inbox, token) is None
    visitor, session = identify(chat_inbox, None, token)
    assert visitor.platform_user_id == ""
    assert visitor.identity[0] == "webchat"
    assert session


@pytest.mark.parametrize(
    ("claims", "email"),
    [
        ({"email": " Zhang.Wei@Example.com ", "email_verified": True}, "zhang.wei@example.com"),
        ({"email": "zhang.wei@example.com", "email_verified": False}, ""),
        ({"email": "zhang.wei@example.com", "email_verified": "true"}, ""),
        ({"email": "zhang.wei@example.com"}, ""),
        ({"email": "not an address", "email_verified": True}, ""),
        ({"email": ["a@example.com"], "email_verified": True}, ""),
    ],
)
def test_the_host_sites_email_counts_only_when_it_says_it_is_verified(
    chat_inbox: Inbox, claims: dict[str, Any], email: str
) -> None:
    user = platform_user(chat_inbox, identity_token("u-1001", **claims))
    assert user is not None
    assert user.email == email


def test_an_inbox_without_a_secret_trusts_no_identity(chat_inbox: Inbox) -> None:
    chat_inbox.config = {}
    assert platform_user(chat_inbox, identity_token("u-42")) is None


def test_a_session_token_is_bound_to_its_inbox(chat_inbox: Inbox) -> None:
    other = Inbox.objects.create(name="Other", channel="webchat")
    token = issue_session(chat_inbox.pk, "abc")
    assert identify(chat_inbox, token, None)[0].visitor_id == "abc"
    assert identify(other, token, None)[0].visitor_id != "abc"
    assert identify(chat_inbox, token + "x", None)[0].visitor_id != "abc"
