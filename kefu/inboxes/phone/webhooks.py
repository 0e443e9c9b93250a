"""Twilio's webhooks: signed by the line's auth token, logged, and never handled twice.

Twilio signs each request with HMAC-SHA1 over the URL it called and the POST fields
(X-Twilio-Signature). The URL is the public one (KEFU_SITE_URL), not what this process
sees: behind a TLS-terminating proxy the request arrives as http://127.0.0.1:8000/…,
which Twilio never signed. RequestValidator tries the URL with and without a port, as
Twilio's own documentation asks.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from kefu.core.public_address import absolute_url
from kefu.inboxes.phone.models import PhoneLine, WebhookHit

TWIML = "text/xml; charset=utf-8"
# Requests are logged for the line's health page and to spot repeats, which Twilio sends
# within minutes; older rows are deleted daily, or the table would grow with every call.
KEEP_HITS = timedelta(days=7)
PRUNE_EVERY = timedelta(days=1)

# view(request, line, params) -> response: params are the POST fields Twilio signed.
TwilioView = Callable[[HttpRequest, PhoneLine, dict[str, str]], HttpResponse]


def _line(line_id: int) -> PhoneLine:
    line = PhoneLine.objects.select_related("inbox").filter(pk=line_id).first()
    if line is None or not line.inbox.is_active:
        raise Http404("no such phone line")
    return line


def twiml_response(response: VoiceResponse) -> HttpResponse:
    """TwiML as Twilio expects it back from a webhook."""
    return HttpResponse(str(response), content_type=TWIML)


def seconds(params: dict[str, str], name: str) -> int | None:
    """A duration field of Twilio's (CallDuration, DialCallDuration …); None when absent."""
    value = params.get(name, "")
    return int(value) if value.isdigit() else None


def log_hit(line: PhoneLine | None, endpoint: str, status: int, error: str = "") -> None:
    WebhookHit.objects.create(
        line=line,
        endpoint=endpoint[:40],
        received_at=timezone.now(),
        status_code=status,
        error=error[:300],
    )


def prune_hits() -> str:
    """Delete the webhook log's rows older than KEEP_HITS (the scheduler's daily job)."""
    deleted, _ = WebhookHit.objects.filter(received_at__lt=timezone.now() - KEEP_HITS).delete()
    return f"deleted {deleted} webhook log rows" if deleted else ""


def claim_once(line: PhoneLine, endpoint: str, token: str) -> bool:
    """Note a request's idempotency token (Twilio's, or a CTI event's callId and name); False
    when it was seen before."""
    try:
        with transaction.atomic():
            WebhookHit.objects.create(
                line=line,
                endpoint=endpoint[:40],
                token=token[:100],
                received_at=timezone.now(),
                status_code=200,
            )
    except IntegrityError:
        return False
    return True


def twilio_webhook(endpoint: str) -> Callable[[TwilioView], Callable[..., HttpResponse]]:
    """Check the signature, drop repeats, then call the view with the line and fields.

    A bad or missing signature is 403 and nothing is stored but the log line that the
    line's health page shows. A request whose I-Twilio-Idempotency-Token was seen
    before (Twilio retrying, or someone replaying it) gets an empty TwiML answer.
    """

    def decorate(view: TwilioView) -> Callable[..., HttpResponse]:
        @csrf_exempt  # Twilio cannot send a CSRF token; the signature is the credential
        @require_POST
        @wraps(view)
        def handle(request: HttpRequest, line_id: int) -> HttpResponse:
            line = _line(line_id)
            params = {key: request.POST[key] for key in request.POST}
            signature = request.headers.get("X-Twilio-Signature", "")
            url = absolute_url(request.get_full_path())
            if not signature or not RequestValidator(line.auth_token).validate(
                url, params, signature
            ):
                error = "missing signature" if not signature else "bad signature"
                log_hit(line, endpoint, 403, error)
                return HttpResponseForbidden(error)
            token = request.headers.get("I-Twilio-Idempotency-Token", "")
            if token and not claim_once(line, endpoint, token):
                log_hit(line, endpoint, 200, "repeated request, not handled again")
                return twiml_response(VoiceResponse())
            if not token:
                log_hit(line, endpoint, 200)
            return view(request, line, params)

        return handle

    return decorate
