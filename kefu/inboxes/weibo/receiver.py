"""Weibo's push URL: URL verification (GET with echostr) and the messages it posts.

Weibo signs both with the App Secret (signature of the sorted secret, timestamp and
nonce). It waits five seconds for an answer and then posts again (three times in all);
an empty answer means "received, nothing to reply now", so the reply goes later through
the reply API. A text push needs no download, so the view stores it itself, well within
the five seconds: receive_message is its only write (an unfollow is the other).

A link command (kefu.contacts.link_commands) is answered with one reply-API call and not
stored: its answer holds a code that must never sit in a conversation.
"""

import logging
import time
from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kefu.contacts import link_commands
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.core.errors import MessageRejected
from kefu.inboxes.weibo import actions, inbound, platform, selectors
from kefu.inboxes.weibo.models import WeiboAccount

logger = logging.getLogger(__name__)

# A request signed longer ago than this is a replay: Weibo's retries come within twenty
# seconds, and a clock a few minutes off still passes. Weibo's timestamp is in ms.
MAX_AGE_SECONDS = 300
# One push is a few hundred bytes of JSON.
MAX_BODY_BYTES = 64 * 1024


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def fresh(timestamp: str, now: float | None = None) -> bool:
    try:
        signed_at = int(timestamp) / 1000
    except ValueError:
        return False
    return abs((time.time() if now is None else now) - signed_at) <= MAX_AGE_SECONDS


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    account = get_object_or_404(
        WeiboAccount.objects.select_related("inbox"), inbox_id=inbox_id, inbox__is_active=True
    )
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not platform.signed(account.app_secret, query.get("signature", ""), timestamp, nonce):
        logger.warning("weibo push to inbox %s: bad signature", inbox_id)
        return _plain("signature check failed", 403)
    if not fresh(timestamp):
        return _plain("stale timestamp", 403)
    if request.method == "GET":
        return _plain(query.get("echostr", ""))
    if len(request.body) > MAX_BODY_BYTES:
        return _plain("body too large", 413)
    try:
        parsed = platform.parse(request.body)
    except platform.Unreadable:
        return _plain("unreadable message", 400)
    if parsed.recipient != account.uid:
        return _plain("not this account", 403)
    outcome = inbound.read(account.inbox, parsed)
    if isinstance(outcome, inbound.Unfollowed):
        actions.fan_left(outcome.uid)
    elif isinstance(outcome, inbound.CustomerMessage) and not _link_command(account, parsed):
        message = replace(
            outcome.inbound,
            conversation=selectors.latest_conversation(account.inbox_id, parsed.sender),
        )
        try:
            receive_message(message)
        except MessageRejected as rejected:
            # Weibo would post it again; the reason is ours to fix, not the fan's.
            logger.warning("weibo push to inbox %s rejected: %s", inbox_id, rejected)
    # Weibo's "received, no reply now": an empty body.
    return _plain("")


def _link_command(account: WeiboAccount, parsed: platform.Parsed) -> bool:
    """Answer a link command through the reply API (the code, or why not); True when it
    was one."""
    answer = link_commands.answer(IdentityKind.WEIBO, parsed.sender, parsed.text)
    if answer is None:
        return False
    try:
        platform.send_text(account.access_token, parsed.sender, answer)
    except platform.ApiError as failed:
        # The fan sends the command again; the newest code is the one that works.
        logger.warning("weibo link answer of inbox %s not sent: %s", account.inbox_id, failed)
    return True
