"""The access token: one refresh for all workers, a refused token replaced once."""

import threading

import pytest
from django.conf import settings
from django.db import connection

from kefu.inboxes.wechat import platform, tokens
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.conftest import make_account
from tests.inboxes.wechat.wechat_server import WeChatServer

WORKERS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    # The test database on SQLite is in memory, shared-cache: a second writer gets "table
    # is locked" at once instead of waiting as it does on the file database Kefu runs on.
    reason="concurrent refreshes are checked in the PostgreSQL run",
)
def test_workers_needing_a_token_at_once_fetch_it_once(wechat_server: WeChatServer) -> None:
    account = make_account()
    wechat_server.token_delay = 0.5
    start = threading.Barrier(WORKERS)
    got: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            got.append(tokens.access_token(account))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(wechat_server.requests_to("/cgi-bin/token")) == 1
    assert got == ["ACCESS_TOKEN_1"] * WORKERS


def test_the_cached_token_is_reused(account: WeChatAccount, wechat_server: WeChatServer) -> None:
    assert tokens.access_token(account) == tokens.access_token(account)
    (fetch,) = wechat_server.requests_to("/cgi-bin/token")
    assert fetch.query["appid"] == [wire.APP_ID]
    assert fetch.query["grant_type"] == ["client_credential"]


def test_a_token_wechat_calls_invalid_is_replaced_and_the_call_made_again(
    account: WeChatAccount, wechat_server: WeChatServer
) -> None:
    tokens.access_token(account)
    wechat_server.expire_tokens()
    tokens.call(account, lambda api: api.send_text(wire.OPENID, "hello"))
    assert len(wechat_server.requests_to("/cgi-bin/token")) == 2
    sends = wechat_server.requests_to("/cgi-bin/message/custom/send")
    assert [s.query["access_token"] for s in sends] == [["ACCESS_TOKEN_1"], ["ACCESS_TOKEN_2"]]


def test_a_token_refused_twice_is_not_refreshed_again(
    account: WeChatAccount, wechat_server: WeChatServer
) -> None:
    wechat_server.reply(
        "/cgi-bin/message/custom/send", 200, {"errcode": 42001, "errmsg": "access_token expired"}
    )
    wechat_server.replies["/cgi-bin/message/custom/send"].pop(0)  # only the expiry is left
    with pytest.raises(platform.ApiError) as refused:
        tokens.call(account, lambda api: api.send_text(wire.OPENID, "hello"))
    assert refused.value.token_invalid
    assert len(wechat_server.requests_to("/cgi-bin/token")) == 2


def test_a_wrong_app_secret_is_an_error(
    account: WeChatAccount, wechat_server: WeChatServer
) -> None:
    account.app_secret = "wrong"
    with pytest.raises(platform.ApiError) as refused:
        tokens.access_token(account)
    assert refused.value.code == 40125
