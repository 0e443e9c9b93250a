"""HTTP side of the chat: the widget's configuration, uploads, the off-hours form, files,
and the demo and full-page (in-app) pages. Cross-site calls answer only allowed origins."""

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kefu.conversations import attachments
from kefu.conversations.actions import receive_message
from kefu.core.content_policy import allow_framing
from kefu.core.errors import KefuError
from kefu.core.file_responses import FileStream
from kefu.core.ids import parse_id
from kefu.core.intents import Intent
from kefu.core.languages import Language, from_django, to_django
from kefu.core.throttle import Limit, client_address, hit
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat import actions, selectors
from kefu.inboxes.webchat.catalog import WIDGET_STRINGS
from kefu.inboxes.webchat.identity import visitor_from_session
from kefu.inboxes.webchat.inbound import FrameError, offline_message
from kefu.inboxes.webchat.origins import framing_origins, origin_allowed
from kefu.routing.service_hours import service_status

UPLOAD_LIMIT = Limit("webchat.upload", attempts=30, window_seconds=3600)
OFFLINE_LIMIT = Limit("webchat.offline", attempts=5, window_seconds=3600)
CASE_URL_PLACEHOLDER = "REFERENCE"


def webchat_inbox() -> Inbox:
    """The first live-chat inbox, created on first use so the demo works on a fresh install.

    It assigns automatically: a live chat is answered by whoever is free, not picked.
    """
    inbox = Inbox.objects.filter(channel=Channel.WEBCHAT, is_active=True).order_by("pk").first()
    if inbox is None:
        inbox = Inbox.objects.create(
            name="Live chat", channel=Channel.WEBCHAT, config={"auto_assign": True}
        )
    return inbox


def _inbox(raw: object) -> Inbox:
    inbox_id = parse_id(raw)
    if inbox_id is None:
        raise Http404
    return get_object_or_404(Inbox, pk=inbox_id, channel=Channel.WEBCHAT, is_active=True)


def _cross_site(request: HttpRequest, inbox: Inbox, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin")
    if origin and origin_allowed(inbox, origin, request.get_host()):
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response


def _refused(
    request: HttpRequest, inbox: Inbox, code: str, message: str, status: int
) -> HttpResponse:
    return _cross_site(
        request, inbox, JsonResponse({"code": code, "message": message}, status=status)
    )


def _language(raw: str) -> Language:
    return from_django(raw) if raw else Language.ZH_HANS


@require_GET
def config(request: HttpRequest) -> HttpResponse:
    inbox = _inbox(request.GET.get("inbox"))
    language = _language(request.GET.get("lang", ""))
    service = service_status(inbox.default_team)
    with translation.override(to_django(language)):
        data: dict[str, Any] = {
            "inbox": {"id": inbox.pk, "name": inbox.name},
            "language": language,
            "strings": {key: str(value) for key, value in WIDGET_STRINGS.items()},
            # A topic with a guided flow offers it before the chat (the help flows API).
            "topics": [
                {"id": value, "label": str(label), "flow": value in FLOWS}
                for value, label in Intent.choices
            ],
            "service": {
                "open": service.is_open,
                "next_open": service.next_open.isoformat() if service.next_open else None,
            },
            "max_attachment_bytes": settings.KEFU_MAX_ATTACHMENT_BYTES,
            # Where the customer follows the case (its state, the next answer) and asks to
            # escalate: the portal's ticket page, named by URL only (a channel may not import
            # the portal or the SLA app). The widget puts the reference in place of REFERENCE.
            "case_url": reverse("portal:ticket", args=[CASE_URL_PLACEHOLDER]),
            # Where a customer whom someone contacted outside the official channels (the
            # survey's own question) reports the impostor.
            "report_url": reverse("portal:report_impostor"),
        }
    return _cross_site(request, inbox, JsonResponse(data))


@csrf_exempt  # cross-site by design; the signed session token is the credential
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    inbox = _inbox(request.POST.get("inbox"))
    if not origin_allowed(inbox, request.headers.get("Origin"), request.get_host()):
        return _refused(
            request, inbox, "origin_refused", _("This site may not use this chat."), 403
        )
    visitor_id = visitor_from_session(inbox.pk, request.POST.get("session"))
    if visitor_id is None:
        return _refused(request, inbox, "bad_session", _("Your chat session has expired."), 401)
    if not hit(UPLOAD_LIMIT, visitor_id):
        return _refused(request, inbox, "rate_limited", _("Too many files. Please wait."), 429)
    sent = request.FILES.get("file")
    if sent is None:
        return _refused(request, inbox, "no_file", _("Choose a file to send."), 400)
    try:
        stored = actions.store_upload(
            inbox=inbox, visitor_id=visitor_id, upload=attachments.read_upload(sent)
        )
    except KefuError as refused:
        return _refused(request, inbox, refused.code, refused.message, refused.status)
    return _cross_site(
        request,
        inbox,
        JsonResponse(
            {
                "id": stored.pk,
                "name": stored.filename,
                "type": stored.content_type,
                "size": stored.size,
            },
            status=201,
        ),
    )


@csrf_exempt  # cross-site by design, like upload
@require_POST
def offline(request: HttpRequest) -> HttpResponse:
    """The off-hours form: the message becomes a ticket answered by email and the portal."""
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse(
            {"code": "bad_request", "message": _("Send a JSON object.")}, status=400
        )
    inbox = _inbox(data.get("inbox"))
    if not origin_allowed(inbox, request.headers.get("Origin"), request.get_host()):
        return _refused(
            request, inbox, "origin_refused", _("This site may not use this chat."), 403
        )
    if not hit(OFFLINE_LIMIT, client_address(request)):
        return _refused(request, inbox, "rate_limited", _("Too many messages. Please wait."), 429)
    try:
        inbound = offline_message(inbox, data)
        message = receive_message(inbound)
    except FrameError as refused:
        return _refused(request, inbox, refused.code, _("Please check the form."), 400)
    except KefuError as refused:
        return _refused(request, inbox, refused.code, refused.message, refused.status)
    reference = message.conversation.reference
    return _cross_site(request, inbox, JsonResponse({"reference": reference}, status=201))


@require_GET
def attachment_file(request: HttpRequest, token: str) -> FileStream:
    attachment = selectors.attachment_from_link(token)
    if attachment is None:
        raise Http404
    response = FileStream(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def demo(request: HttpRequest) -> HttpResponse:
    return render(request, "webchat/demo.html", {"inbox": webchat_inbox()})


@require_GET
def app(request: HttpRequest) -> HttpResponse:
    inbox = _inbox(request.GET.get("inbox")) if request.GET.get("inbox") else webchat_inbox()
    response = render(request, "webchat/app.html", {"inbox": inbox})
    # An app may show this page in a frame of its own site (a hybrid app's web view).
    allow_framing(response, framing_origins(inbox))
    return response
