"""The access token: one refresh for all workers, a refused token replaced once."""

import json
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kefu.inboxes.wechat import platform, tokens
from kefu.inboxes.wechat.models import WeChatAccount
from tests.inboxes.wechat import wire
from tests.inboxes.wechat.conftest import make_account
from tests.inboxes.wechat.wechat_server import WeChatServer
from tests.processes import site
from tests.services import require_redis

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


PROCESSES = 4
# Run by `kefu shell` in each process: its last line of output is JSON.
NEEDS_A_TOKEN = """
import json
from kefu.inboxes.wechat import tokens
from kefu.inboxes.wechat.models import WeChatAccount
print(json.dumps(tokens.access_token(WeChatAccount.objects.get())))
"""
# The token is shared through Redis: none may be left from an earlier run.
FORGET_THE_TOKEN = f"""
from django.core.cache import cache
cache.delete({f"wechat:access_token:{wire.APP_ID}"!r})
print("null")
"""
AN_ACCOUNT = f"""
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat import actions
actions.save_account(
    inbox=Inbox.objects.create(name="WeChat", channel=Channel.WECHAT), app_id={wire.APP_ID!r},
    app_secret={wire.APP_SECRET!r}, token={wire.TOKEN!r}, original_id={wire.ORIGINAL_ID!r},
    display_name="Kefu",
)
{FORGET_THE_TOKEN}
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_processes_needing_a_token_at_once_fetch_it_once(
    kind: str, tmp_path: Path, wechat_server: WeChatServer
) -> None:
    """Processes on a file database (SQLite's write lock, PostgreSQL's row lock) sharing
    the token through Redis, as Kefu's web processes and job workers do."""
    # Longer than the processes take to start one after another, so that they overlap.
    wechat_server.token_delay = 3
    redis = require_redis()
    with site(kind, tmp_path, KEFU_REDIS_URL=redis, KEFU_WECHAT_API_URL=wechat_server.url) as place:
        place.shell(AN_ACCOUNT)
        try:
            children = [
                place.kefu("shell", "-c", NEEDS_A_TOKEN, stdout=subprocess.PIPE, text=True)
                for _ in range(PROCESSES)
            ]
            outputs = [child.communicate(timeout=60)[0] for child in children]
        finally:
            place.shell(FORGET_THE_TOKEN)
    got = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    assert got == ["ACCESS_TOKEN_1"] * PROCESSES
    assert len(wechat_server.requests_to("/cgi-bin/token")) == 1
