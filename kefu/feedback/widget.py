"""The chat widget's side of a survey: the open survey of a chat, and its answer, as JSON.

The widget runs on the operator's other sites, so these endpoints are cross-site like the
chat's own (kefu.inboxes.webchat.views): CSRF-exempt, answered only to the inbox's allowed
origins, throttled, and POSTed as text/plain JSON (a simple request, no CORS preflight).
The survey's token is the credential to answer it, as in the emailed link (unguessable).
The read goes by the chat's signed session instead: a widget opened after the survey was
sent never heard its token. Refusals carry a stable code and the widget's own words for
it (the widget's catalogue), so the customer reads one voice in three languages.
"""

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import KefuError
from kefu.core.ids import parse_id
from kefu.core.languages import from_django, to_django
from kefu.core.throttle import Limit, client_address, hit
from kefu.feedback import actions, selectors
from kefu.feedback.models import Survey, SurveyState
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat.catalog import WIDGET_STRINGS
from kefu.inboxes.webchat.identity import visitor_from_session
from kefu.inboxes.webchat.models import ChatSession
from kefu.inboxes.webchat.origins import origin_allowed

# A widget reads once per page load and per survey event; a loop reading faster is cut off.
READ_LIMIT = Limit("feedback.widget.read", attempts=120, window_seconds=3600)
# Answers may be changed while the survey is open, but a person changes them a few times.
ANSWER_LIMIT = Limit("feedback.widget.answer", attempts=20, window_seconds=3600)
# Far longer than any comment the action accepts: the body is refused before parsing.
MAX_BODY_BYTES = 32 * 1024


def survey_state(survey: Survey, now: datetime) -> dict[str, Any]:
    """What the widget shows: the answer so far, and whether it may still be changed."""
    return {
        "token": survey.token,
        "conversation_id": survey.conversation_id,
        "open": survey.state != SurveyState.SKIPPED and now < survey.expires_at,
        "answered": survey.answered_at is not None,
        "rating": survey.rating,
        "comment": survey.comment,
        "contacted_outside": survey.contacted_outside,
    }


def sent_survey_of_chat(inbox: Inbox, visitor_id: str, conversation_id: int) -> Survey | None:
    """The latest survey sent about this visitor's chat (None for someone else's chat)."""
    if not ChatSession.objects.filter(
        conversation_id=conversation_id, visitor=visitor_id, conversation__inbox=inbox
    ).exists():
        return None
    return (
        Survey.objects.filter(
            conversation_id=conversation_id,
            state__in=[SurveyState.SENT, SurveyState.ANSWERED],
        )
        .order_by("-resolved_at", "-pk")
        .first()
    )


def _refused(
    request: HttpRequest, inbox: Inbox | None, code: str, status: int, language: str
) -> HttpResponse:
    with translation.override(to_django(language)):
        message = str(WIDGET_STRINGS.get(f"error_{code}", WIDGET_STRINGS["error"]))
    return _cross_site(
        request, inbox, JsonResponse({"code": code, "message": message}, status=status)
    )


def _cross_site(request: HttpRequest, inbox: Inbox | None, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin")
    if inbox is not None and origin and origin_allowed(inbox, origin, request.get_host()):
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response


def _webchat_inbox(raw: object) -> Inbox | None:
    inbox_id = parse_id(raw)
    if inbox_id is None:
        return None
    return Inbox.objects.filter(pk=inbox_id, channel=Channel.WEBCHAT, is_active=True).first()


def _origin_refused(request: HttpRequest, inbox: Inbox) -> bool:
    return not origin_allowed(inbox, request.headers.get("Origin"), request.get_host())


@require_GET
def chat_survey(request: HttpRequest) -> HttpResponse:
    """`?inbox=&session=&conversation=` -> {"survey": {...} or null}."""
    language = from_django(request.GET.get("lang", ""))
    inbox = _webchat_inbox(request.GET.get("inbox"))
    if inbox is None:
        return _refused(request, None, "survey_not_found", 404, language)
    if _origin_refused(request, inbox):
        return _refused(request, inbox, "origin_refused", 403, language)
    visitor_id = visitor_from_session(inbox.pk, request.GET.get("session"))
    conversation_id = parse_id(request.GET.get("conversation"))
    if visitor_id is None or conversation_id is None:
        return _refused(request, inbox, "survey_not_found", 404, language)
    if not hit(READ_LIMIT, visitor_id):
        return _refused(request, inbox, "rate_limited", 429, language)
    survey = sent_survey_of_chat(inbox, visitor_id, conversation_id)
    payload = survey_state(survey, timezone.now()) if survey is not None else None
    return _cross_site(request, inbox, JsonResponse({"survey": payload}))


def _answer_fields(data: dict[str, Any]) -> tuple[int | None, str, bool | None] | None:
    """The rating, comment and yes/no answer of a body, or None when a field has the wrong type.

    The rating's range is the action's to judge (one rule for every channel); here only
    its type, so that "5" or 4.5 is refused rather than read as a rating.
    """
    rating, comment, outside = (
        data.get("rating"),
        data.get("comment", ""),
        data.get("contacted_outside"),
    )
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)):
        return None
    if not isinstance(comment, str) or not (outside is None or isinstance(outside, bool)):
        return None
    return rating, comment, outside


@csrf_exempt  # cross-site by design; the survey's unguessable token is the credential
@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    """`{token, rating, comment?, contacted_outside?, language?}` -> the survey's state."""
    try:
        data = json.loads(request.body) if len(request.body) <= MAX_BODY_BYTES else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return _refused(request, None, "bad_request", 400, "")
    raw_language = data.get("language")
    language = from_django(raw_language) if isinstance(raw_language, str) else ""
    token = data.get("token")
    survey = selectors.by_token(token) if isinstance(token, str) else None
    if survey is None:
        return _refused(request, None, "survey_not_found", 404, language)
    language = language or survey.language
    if _origin_refused(request, survey.inbox):
        return _refused(request, survey.inbox, "origin_refused", 403, language)
    if not hit(ANSWER_LIMIT, f"{survey.token}:{client_address(request)}"):
        return _refused(request, survey.inbox, "rate_limited", 429, language)
    fields = _answer_fields(data)
    if fields is None:
        return _refused(request, survey.inbox, "bad_request", 400, language)
    rating, comment, outside = fields
    if rating is None:
        return _refused(request, survey.inbox, "rating_out_of_range", 422, language)
    try:
        answered = actions.answer(
            survey=survey, rating=rating, comment=comment, contacted_outside=outside
        )
    except KefuError as refused:
        return _refused(request, survey.inbox, refused.code, refused.status, language)
    return _cross_site(request, survey.inbox, JsonResponse(survey_state(answered, timezone.now())))
