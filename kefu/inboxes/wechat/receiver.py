"""WeChat's webhook: URL verification (GET) and the messages and events it posts (POST).

WeChat waits five seconds for an answer, then sends the message again (three times) and
tells the customer the account cannot serve them. So the view does only what needs no
database — check the signature, decrypt, parse, screen for secrets — answers at once,
and queues one job (its only write) that fetches media and calls receive_message.

The one exception is a link command (kefu.contacts.link_commands): its answer holds a
code that must come back at once, as a passive reply, and must never be stored as a
message. Claiming it is one indexed UPDATE of one link request, a few milliseconds, far
within WeChat's five seconds, so it is done in the view and nothing is queued.
"""

import time

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kefu.contacts import link_commands
from kefu.contacts.models import IdentityKind
from kefu.inboxes.wechat import inbound, platform, tasks
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.safety.ingress import screen_inbound

# A request signed longer ago than this is a replay: WeChat's own retries all come within
# fifteen seconds, and a clock a few minutes off still passes.
MAX_AGE_SECONDS = 300
# WeChat's XML for one message is a few hundred bytes; an encrypted one a little more.
MAX_BODY_BYTES = 64 * 1024


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _keys(account: WeChatAccount) -> platform.Keys:
    return platform.Keys(
        app_id=account.app_id, token=account.token, encoding_aes_key=account.encoding_aes_key
    )


def _fresh(timestamp: str) -> bool:
    try:
        return abs(time.time() - int(timestamp)) <= MAX_AGE_SECONDS
    except ValueError:
        return False


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    account = get_object_or_404(
        WeChatAccount.objects.select_related("inbox"), inbox_id=inbox_id, inbox__is_active=True
    )
    keys = _keys(account)
    query = request.GET
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not platform.signed(keys, query.get("signature", ""), timestamp, nonce) or not _fresh(
        timestamp
    ):
        return _plain("signature check failed", 403)
    try:
        if request.method == "GET":
            return _verify_url(keys, request)
        return _receive(account, keys, request)
    except platform.BadSignature:
        return _plain("signature check failed", 403)
    except platform.Unreadable:
        return _plain("unreadable message", 400)


def _verify_url(keys: platform.Keys, request: HttpRequest) -> HttpResponse:
    """WeChat checks the URL by having it repeat echostr (encrypted in safe mode)."""
    echostr = request.GET.get("echostr", "")
    if keys.encoding_aes_key and "msg_signature" in request.GET:
        q = request.GET
        echostr = platform.decrypt_echo(
            keys, echostr, q["msg_signature"], q.get("timestamp", ""), q.get("nonce", "")
        )
    return _plain(echostr)


def _passive_reply(
    account: WeChatAccount,
    keys: platform.Keys,
    request: HttpRequest,
    parsed: platform.Parsed,
    text: str,
) -> HttpResponse:
    """A text answer in the response itself (encrypted in safe mode): WeChat shows it."""
    q = request.GET
    reply = platform.text_reply(parsed, text)
    if account.safe_mode:
        reply = platform.encrypt(keys, reply, q.get("nonce", ""), q.get("timestamp", ""))
    return HttpResponse(reply, content_type="application/xml; charset=utf-8")


def _receive(account: WeChatAccount, keys: platform.Keys, request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _plain("unreadable message", 400)
    q = request.GET
    xml: str | bytes = request.body
    if account.safe_mode:
        xml = platform.decrypt(
            keys,
            request.body,
            q.get("msg_signature", ""),
            q.get("timestamp", ""),
            q.get("nonce", ""),
        )
    parsed = platform.parse(xml)
    if parsed.recipient != account.original_id:
        return _plain("not this account", 403)
    if parsed.msg_type == "text":
        # A resent command (WeChat's retry) claims again: the newest code is the one that
        # works, and it is the one in the reply WeChat shows.
        linked = link_commands.answer(IdentityKind.WECHAT, parsed.sender, parsed.content)
        if linked is not None:
            return _passive_reply(account, keys, request, parsed, linked)
    outcome = inbound.read(account.inbox, parsed)
    if isinstance(outcome, inbound.Welcome):
        return _passive_reply(account, keys, request, parsed, outcome.text)
    if isinstance(outcome, inbound.Unsubscribed):
        tasks.unsubscribed.enqueue(outcome.openid)
    elif isinstance(outcome, inbound.CustomerMessage):
        screened = screen_inbound(outcome.inbound)
        tasks.receive.enqueue(
            account.inbox_id,
            screened.inbound.identity_value,
            screened.inbound.text,
            screened.inbound.external_id,
            sorted(screened.kinds),
            outcome.media_id,
            outcome.media_type,
        )
    # WeChat's "nothing to say now": the answer comes through the customer-service API.
    return _plain("success")
