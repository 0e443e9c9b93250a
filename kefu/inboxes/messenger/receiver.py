"""Messenger's webhook (/messenger/<inbox id>/webhook/): the callback check (GET) and the
batches of events Meta posts (POST).

Meta wants a 200 quickly and sends a batch again when it gets none (and, failing for
long, switches the webhook off). So the view does only what needs no database — check
the signature, parse, screen for secrets — and queues one job per customer message (its
only write), which fetches the files and calls receive_message; the Get Started welcome
is a job too (a Send API call). A file that cannot be fetched is noted in the message by
the job after a few tries: Meta redelivers the whole batch, never one file, so a 5xx
here would resend every other message of the batch as well.

A link command (kefu.contacts.link_commands) is answered in the view, with one Send API
call: its answer holds a code that must never be stored, not even in a job's row.

Meta's signature carries no time, so a replayed request passes the check: it is the
message id (mid), kept as the message's external_id, that stores it once.
"""

import hashlib
import hmac
import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kefu.contacts import link_commands
from kefu.contacts.models import IdentityKind
from kefu.conversations.attachments import refused_note
from kefu.inboxes.messenger import comments, graph, inbound, tasks
from kefu.inboxes.messenger.models import FacebookPage
from kefu.safety.ingress import screen_inbound
from kefu.safety.redaction import redact

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
# A batch holds at most a few hundred small events; files come by URL, never in the body.
MAX_BODY_BYTES = 512 * 1024


def _error(status: int, code: str) -> JsonResponse:
    # A short code, never the body back: the request may carry a customer's secret.
    return JsonResponse({"error": code}, status=status)


def signed(page: FacebookPage, body: bytes, header: str) -> bool:
    """Meta's X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body with
    the app secret, compared in constant time."""
    expected = "sha256=" + hmac.new(page.app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.strip().lower().encode())


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, inbox_id: int) -> HttpResponse:
    page = get_object_or_404(
        FacebookPage.objects.select_related("inbox"), inbox_id=inbox_id, inbox__is_active=True
    )
    if request.method == "GET":
        return _verify_callback(page, request)
    if len(request.body) > MAX_BODY_BYTES:
        return _error(413, "too_large")
    if not signed(page, request.body, request.headers.get(SIGNATURE_HEADER, "")):
        logger.warning("messenger webhook of inbox %s: bad or missing signature", inbox_id)
        return _error(403, "forbidden")
    try:
        batch = json.loads(request.body)
    except ValueError:
        return _error(400, "malformed_json")
    if not isinstance(batch, dict) or batch.get("object") != "page":
        return _error(400, "not_a_page_event")
    entries = batch.get("entry")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return _error(400, "malformed_entries")
    for entry in entries:
        _entry(page, entry)
    return HttpResponse(status=200)


def _verify_callback(page: FacebookPage, request: HttpRequest) -> HttpResponse:
    """Meta checks the callback URL: hub.challenge repeated if hub.verify_token is ours."""
    query = request.GET
    token = query.get("hub.verify_token", "")
    if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
        token.encode(), page.verify_token.encode()
    ):
        return _error(403, "forbidden")
    return HttpResponse(query.get("hub.challenge", ""), content_type="text/plain")


def _entry(page: FacebookPage, entry: dict[str, Any]) -> None:
    if str(entry.get("id", "")) != page.page_id:
        # Signed with our app's secret but for another page of the same app.
        logger.warning("messenger webhook of page %s: entry for another page", page.page_id)
        return
    for event in _items(entry, "messaging"):
        _event(page, event)
    for change in _items(entry, "changes"):
        if change.get("field") == "feed":
            value = change.get("value")
            if isinstance(value, dict):
                comments.handle(page, value)


def _items(entry: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The entry's events (or changes) that are objects; anything else is skipped."""
    found = entry.get(key)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def _link_command(page: FacebookPage, event: dict[str, Any]) -> bool:
    """Answer a link command at once (not stored); False when the event holds none."""
    sender = event.get("sender")
    psid = sender.get("id") if isinstance(sender, dict) else None
    text = inbound.link_text(event)
    if not isinstance(psid, str) or not psid or not text:
        return False
    answer = link_commands.answer(IdentityKind.MESSENGER, psid, text)
    if answer is None:
        return False
    body = {"recipient": {"id": psid}, "messaging_type": "RESPONSE", "message": {"text": answer}}
    try:
        graph.call(page, "POST", f"{page.page_id}/messages", json=body)
    except graph.GraphError as failed:
        # The customer sends the command again; the newest code is the one that works.
        logger.warning("messenger link answer of page %s not sent: %s", page.page_id, failed)
    return True


def _event(page: FacebookPage, event: dict[str, Any]) -> None:
    if _link_command(page, event):
        return
    outcome = inbound.read(page.inbox, event)
    if isinstance(outcome, inbound.Welcome):
        tasks.welcome.enqueue(page.inbox_id, outcome.psid)
    elif isinstance(outcome, inbound.CustomerMessage):
        _queue(page, outcome)
    else:
        logger.debug("messenger event ignored: %s", outcome.reason)


def _queue(page: FacebookPage, outcome: inbound.CustomerMessage) -> None:
    """Screen the text (a job's arguments are a database row: no secret may be stored)
    and the files' names, then queue the job that stores the message."""
    screened = screen_inbound(outcome.inbound)
    kinds = set(screened.kinds)
    notes: list[str] = []
    files: list[list[str]] = []
    for file in outcome.files:
        found = redact(file.name)
        if found.found:
            # The name is in the URL: neither is kept, and the secret is warned about.
            kinds.update(finding.kind for finding in found.findings)
            notes.append(refused_note(_("the file's name contained a secret")))
            continue
        files.append([file.kind, file.url, file.name])
    text = "\n".join(part for part in (screened.inbound.text, *notes) if part)
    tasks.receive.enqueue(
        page.inbox_id,
        screened.inbound.identity_value,
        text,
        screened.inbound.external_id,
        sorted(kinds),
        files,
    )
