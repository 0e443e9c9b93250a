"""Sign-in: password, then TOTP enrolment or verification, then recovery codes once."""

from base64 import b32encode

import segno
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kefu.agents import two_factor
from kefu.console import sign_in
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import CodeForm, LoginForm

RECOVERY_CODES_KEY = "kefu.console.recovery_codes"


def _throttled_message() -> str:
    return _("Too many wrong codes. Wait a few seconds, then try again.")


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if sign_in.is_verified(request):
        return redirect(sign_in.safe_next(request, request.GET.get("next")))
    form = LoginForm(request.POST or None, initial={"next": request.GET.get("next", "")})
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        checked = sign_in.check_password(request, username, form.cleaned_data["password"])
        if checked.agent is not None:
            if request.user.is_authenticated:
                auth.logout(request)
            sign_in.begin(request, checked.agent, form.cleaned_data["next"])
            return redirect(sign_in.second_factor_url(request))
        error, status = sign_in.refusal(checked.outcome)
    elif request.method == "POST":
        error = _("Enter your username and password.")
        status = 400
    return render(request, "console/login.html", {"form": form, "error": error}, status=status)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    if sign_in.is_verified(request):
        return redirect("console:inbox")
    agent = sign_in.second_factor_agent(request)
    if agent is None:
        return redirect("console:login")
    if two_factor.has_confirmed_totp(agent):
        return redirect("console:verify")
    device = two_factor.enrolment_device(agent)
    form = CodeForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        result, codes = two_factor.confirm_enrolment(agent, form.cleaned_data["code"])
        if result.outcome == "ok" and result.device is not None:
            next_url = sign_in.complete(request, agent, result.device)
            request.session[RECOVERY_CODES_KEY] = {"codes": codes, "next": next_url}
            return redirect("console:recovery_codes")
        error = (
            _throttled_message()
            if result.outcome == "throttled"
            else _("That code is not correct. Check the time on your phone and try again.")
        )
        status = 429 if result.outcome == "throttled" else 400
    elif request.method == "POST":
        error = _("Enter the 6-digit code from your authenticator app.")
        status = 400
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "error": error,
        "agent": agent,
        # segno renders the otpauth:// URL on the server, so the secret never leaves
        # for a QR service and the page needs no script.
        # segno's own SVG markup; the URL inside is ours, not user input.
        "qr_svg": mark_safe(
            segno.make(device.config_url, error="m").svg_inline(
                scale=5, border=2, omitsize=True, title=_("QR code for your authenticator app")
            )
        ),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "console/enrol.html", context, status=status)


@never_cache
@agent_required
def recovery_codes(request: AgentRequest) -> HttpResponse:
    """The recovery codes, shown exactly once right after enrolment."""
    data = request.session.pop(RECOVERY_CODES_KEY, None)
    if not isinstance(data, dict) or not data.get("codes"):
        return redirect("console:inbox")
    return render(
        request,
        "console/recovery_codes.html",
        {"codes": data["codes"], "next_url": sign_in.safe_next(request, data.get("next"))},
    )


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if sign_in.is_verified(request):
        return redirect("console:inbox")
    agent = sign_in.second_factor_agent(request)
    if agent is None:
        return redirect("console:login")
    if not two_factor.has_confirmed_totp(agent):
        return redirect("console:enrol")
    form = CodeForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        result = two_factor.verify_second_factor(agent, form.cleaned_data["code"])
        if result.outcome == "ok" and result.device is not None:
            return redirect(sign_in.complete(request, agent, result.device))
        error = (
            _throttled_message()
            if result.outcome == "throttled"
            else _("That code is not correct, or the recovery code was already used.")
        )
        status = 429 if result.outcome == "throttled" else 400
    elif request.method == "POST":
        error = _("Enter the 6-digit code from your authenticator app, or a recovery code.")
        status = 400
    context = {"form": form, "error": error, "agent": agent}
    return render(request, "console/verify.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sign_in.abandon(request)
    auth.logout(request)
    return redirect("console:login")
