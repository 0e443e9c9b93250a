"""The access token of a WeChat account, shared by every process through the cache.

WeChat gives one valid token per account at a time: a second refresh invalidates the
first, so two workers refreshing at once make each other's calls fail (wechatpy #737).
A refresh therefore happens under a lock every database honours — an UPDATE of the
account's row (a row lock on PostgreSQL, the write lock on SQLite) — and re-reads the
cache once it holds the lock, since another worker may have refreshed while it waited.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kefu.inboxes.wechat import platform
from kefu.inboxes.wechat.models import WeChatAccount

Result = TypeVar("Result")

# The cached token expires this long before WeChat's expires_in, so no call goes out
# with a token that dies on the way.
EARLY_SECONDS = 300


def _key(app_id: str) -> str:
    return f"wechat:access_token:{app_id}"


def access_token(account: WeChatAccount) -> str:
    token = cache.get(_key(account.app_id))
    if isinstance(token, str) and token:
        return token
    return _refresh(account, stale="")


def _refresh(account: WeChatAccount, *, stale: str) -> str:
    """A fresh token: the cached one if another worker replaced `stale` meanwhile."""
    with transaction.atomic():
        WeChatAccount.objects.filter(pk=account.pk).update(token_locked_at=timezone.now())
        token = cache.get(_key(account.app_id))
        if isinstance(token, str) and token and token != stale:
            return token
        token, expires_in = platform.fetch_token(account.app_id, account.app_secret)
        cache.set(_key(account.app_id), token, max(expires_in - EARLY_SECONDS, 60))
    return token


def call(account: WeChatAccount, request: Callable[[platform.Api], Result]) -> Result:
    """Run `request` with the account's token; a token WeChat calls invalid or expired
    is replaced (once) and the request made again."""
    token = access_token(account)
    try:
        return request(platform.Api(account.app_id, token))
    except platform.ApiError as error:
        if not error.token_invalid:
            raise
    return request(platform.Api(account.app_id, _refresh(account, stale=token)))
