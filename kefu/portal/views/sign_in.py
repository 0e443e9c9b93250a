"""Signing in with a one-time code or link sent by email, and signing out."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kefu.contacts.actions import (
    SIGN_IN_CODE_LIFETIME,
    set_language,
    sign_in_with_code,
    sign_in_with_link,
)
from kefu.contacts.identities import normalize
from kefu.contacts.models import Contact, IdentityKind
from kefu.core import throttle
from kefu.core.errors import SignInFailed
from kefu.core.languages import from_django
from kefu.portal import limits, session
from kefu.portal.forms import CodeForm, EmailForm
from kefu.portal.tasks import send_sign_in_code
from kefu.portal.views.layout import render_page

CODE_MINUTES = int(SIGN_IN_CODE_LIFETIME.total_seconds() // 60)
PENDING_EMAIL_KEY = "portal_sign_in_email"
NEXT_KEY = "portal_sign_in_next"


def _next_url(request: HttpRequest, candidate: str) -> str:
    """Where to go after signing in: a portal page on this site, or the ticket list."""
    if candidate.startswith(reverse("portal:home")) and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:tickets")


@require_POST
@never_cache
def request_code(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if not form.is_valid():
        return render_page(request, "portal/home.html", {"form": form}, status=400)
    email = normalize(IdentityKind.EMAIL, form.cleaned_data["email"])
    try:
        allowed = throttle.reserve(
            limits.CODE_REQUESTS_PER_IP, throttle.client_address(request)
        ) and throttle.reserve(limits.CODE_REQUESTS_PER_EMAIL, email)
    except throttle.CounterUnavailable:
        # Fail closed: a mail per request with no count would be a mail bomb.
        form.add_error(None, _("Sign-in is unavailable for a moment; try again shortly."))
        return render_page(request, "portal/home.html", {"form": form}, status=503)
    if not allowed:
        form.add_error(
            None,
            _(
                "Too many sign-in codes were asked for. "
                "Please wait a quarter of an hour and try again."
            ),
        )
        return render_page(request, "portal/home.html", {"form": form}, status=429)
    language = translation.get_language()
    # The same answer whether or not the address is known: the code page never says.
    transaction.on_commit(lambda: send_sign_in_code.enqueue(email, language))
    request.session[PENDING_EMAIL_KEY] = email
    request.session[NEXT_KEY] = form.cleaned_data["next"]
    return redirect("portal:sign_in_code")


def _finish_sign_in(request: HttpRequest, contact: Contact) -> HttpResponse:
    next_url = _next_url(request, str(request.session.pop(NEXT_KEY, "") or ""))
    request.session.pop(PENDING_EMAIL_KEY, None)
    session.sign_in(request, contact)
    # The language the customer just read the sign-in pages in is one they read; their
    # emails follow it from now on.
    language = from_django(translation.get_language())
    if contact.language != language:
        set_language(contact, language)
    return redirect(next_url)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def enter_code(request: HttpRequest) -> HttpResponse:
    email = request.session.get(PENDING_EMAIL_KEY)
    if not isinstance(email, str) or not email:
        return redirect("portal:home")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact = sign_in_with_code(email, form.cleaned_data["code"])
            except SignInFailed as failed:
                form.add_error("code", failed.message)
            else:
                return _finish_sign_in(request, contact)
        status = 400
    return render_page(
        request,
        "portal/sign_in_code.html",
        {"form": form, "email": email, "minutes": CODE_MINUTES},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email. GET only asks to confirm; the POST uses the link.

    Mail providers and corporate gateways open links in mails to scan them; if a GET
    signed in, that scan would burn the one-time link before the customer clicks it.
    """
    error = ""
    if request.method == "POST":
        try:
            contact = sign_in_with_link(token)
        except SignInFailed as failed:
            error = failed.message
        else:
            return _finish_sign_in(request, contact)
    return render_page(
        request,
        "portal/sign_in_link.html",
        {"error": error, "form": EmailForm(), "minutes": CODE_MINUTES},
        status=400 if error else 200,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request.session)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")
