"""The public survey page: reached from an email, a message or the portal, without signing in.

The token in the address is the only key; it names one resolution of one case. Mail
scanners open every link in a message, so a GET never records anything: the one-click
links (`?rating=5`) show the page with that rating chosen and a small script submits it.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kefu.core import throttle
from kefu.feedback import actions, selectors
from kefu.feedback.errors import SurveyError, SurveyExpired, SurveyNotOpen
from kefu.feedback.models import RATINGS, Survey, SurveyState

ANSWERS_PER_IP = throttle.Limit("feedback-answer-ip", attempts=30, window_seconds=15 * 60)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    # The portal's layout (header, safety line) without its signed-in parts.
    page = {"contact": None, "verify_path": reverse("portal:verify"), **context}
    return render(request, template, page, status=status)


def _closed(request: HttpRequest, survey: Survey | None) -> HttpResponse | None:
    if survey is None:
        return _page(
            request,
            "feedback/closed.html",
            {"error": _("This survey link is not valid. Check that you copied all of it.")},
            status=404,
        )
    if survey.state == SurveyState.SKIPPED:
        error = SurveyNotOpen(_("This survey was not sent, so it cannot be answered."))
        return _page(request, "feedback/closed.html", {"error": error.message}, status=410)
    if survey.expires_at <= timezone.now():
        return _page(
            request,
            "feedback/closed.html",
            {
                "error": _(
                    "This survey has closed: answers are taken for a limited time after "
                    "the case is resolved."
                )
            },
            status=410,
        )
    return None


def _rating(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _form(
    request: HttpRequest,
    survey: Survey,
    *,
    chosen: int | None,
    comment: str,
    contacted_outside: bool | None,
    auto_submit: bool = False,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return _page(
        request,
        "feedback/answer.html",
        {
            "survey": survey,
            "reference": survey.conversation.reference,
            "ratings": list(RATINGS),
            "chosen": chosen,
            "comment": comment,
            "contacted_outside": contacted_outside,
            "auto_submit": auto_submit,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = selectors.by_token(token)
    closed = _closed(request, survey)
    if closed is not None or survey is None:
        return closed or HttpResponse(status=404)
    if request.method != "POST":
        chosen = _rating(request.GET.get("rating"))
        one_click = chosen in RATINGS and survey.answered_at is None
        return _form(
            request,
            survey,
            chosen=chosen if chosen in RATINGS else survey.rating,
            comment=survey.comment,
            contacted_outside=survey.contacted_outside,
            auto_submit=one_click,
        )
    outside_value = request.POST.get("contacted_outside", "")
    contacted_outside = {"yes": True, "no": False}.get(outside_value)
    comment = request.POST.get("comment", "")
    rating = _rating(request.POST.get("rating"))
    if not throttle.hit(ANSWERS_PER_IP, throttle.client_address(request)):
        return _form(
            request,
            survey,
            chosen=rating,
            comment=comment,
            contacted_outside=contacted_outside,
            error=_("Too many attempts from your connection. Please wait a quarter of an hour."),
            status=429,
        )
    try:
        answered = actions.answer(
            survey=survey,
            rating=rating if rating is not None else 0,
            comment=comment,
            contacted_outside=contacted_outside,
        )
    except SurveyExpired as expired:
        return _page(request, "feedback/closed.html", {"error": expired.message}, status=410)
    except SurveyError as refused:
        return _form(
            request,
            survey,
            chosen=rating,
            comment=comment,
            contacted_outside=contacted_outside,
            error=refused.message,
            status=refused.status,
        )
    return _page(
        request,
        "feedback/thanks.html",
        {"survey": answered, "reference": answered.conversation.reference},
    )
