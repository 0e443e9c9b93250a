"""X's Account Activity webhook (/x/<inbox id>/webhook/): the CRC (GET) and the events
it posts (POST).

X signs every POST with the app's consumer secret (x-twitter-webhooks-signature); a
request without that signature, or for another account, is refused before anything is
read. One POST may carry several DMs: they are stored together or not at all, and a
replay is harmless because each event id is stored once. A public reply to the account
that exposes a secret is not stored at all: a job hides it (mentions.py).

A link command (kefu.contacts.link_commands) is answered in the view with one DM: its
answer holds a code that must never be stored, not even in a job's row.
"""

import json
import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kefu.contacts import link_commands
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.core.errors import MessageRejected
from kefu.inboxes.x import inbound, mentions, outbound, platform
from kefu.inboxes.x.models import XAccount

logger = logging.getLogger(__name__)

# A DM is at most 10,000 characters; with the users and entities around it, and a few
# events to a POST, a quarter of a megabyte is far above any real delivery.
MAX_BODY_BYTES = 256 * 1024


def _error(status: int, code: str) -> JsonResponse:
    # A short code, never the body back: the request may carry a customer's secret.
    return JsonResponse({"error": code}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    account = get_object_or_404(
        XAccount.objects.select_related("inbox"), inbox_id=inbox_id, inbox__is_active=True
    )
    if request.method == "GET":
        return _crc(account, request)
    return _receive(account, request)


def _crc(account: XAccount, request: HttpRequest) -> HttpResponse:
    """X checks, at registration and about daily, that we hold the consumer secret."""
    token = request.GET.get("crc_token", "")
    if not token:
        return _error(400, "missing_crc_token")
    return JsonResponse({"response_token": platform.crc_response(account.consumer_secret, token)})


def _receive(account: XAccount, request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large")
    header = request.headers.get(platform.SIGNATURE_HEADER, "")
    if not header or not platform.signed(account.consumer_secret, request.body, header):
        logger.warning("x webhook of inbox %s: bad or missing signature", account.inbox_id)
        return _error(403, "forbidden")
    try:
        data = json.loads(request.body)
        payload = inbound.read_payload(data)
        if payload.for_user_id != account.user_id:
            return _error(403, "not_this_account")
        messages = [
            inbound.inbound_message(account.inbox, event, payload.users)
            for event in payload.events
            if event.get("type") == inbound.MESSAGE_CREATE
            # Our own sends come back as events too: they are stored when sent.
            and inbound.sender_of(event) != account.user_id
        ]
        exposed = mentions.exposed_replies(data.get("tweet_create_events"), account.user_id)
    except (ValueError, UnicodeDecodeError):  # json's errors and Malformed
        return _error(400, "malformed_payload")
    messages = [message for message in messages if not _link_command(account, message)]
    # Typing indicators, read receipts and other events: answered 200, nothing stored.
    with transaction.atomic():
        for message in messages:
            try:
                with transaction.atomic():
                    receive_message(message)
            except MessageRejected as rejected:
                # Ours to fix, not X's to resend: logged, and the others are kept.
                logger.warning("x event %s rejected: %s", message.external_id, rejected)
        for reply in exposed:
            mentions.hide_reply.enqueue(account.inbox_id, reply.tweet_id, reply.author_id)
    return HttpResponse(status=200)


def _link_command(account: XAccount, message: InboundMessage) -> bool:
    """Answer a link command with a DM (the code, or why not); True when it was one."""
    answer = link_commands.answer(IdentityKind.X, message.identity_value, message.text)
    if answer is None:
        return False
    try:
        outbound.send_dm(account, message.identity_value, answer)
    except platform.XError as failed:
        # The customer sends the command again; the newest code is the one that works.
        logger.warning("x link answer of inbox %s not sent: %s", account.inbox_id, failed)
    return True
