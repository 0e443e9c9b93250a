"""The customer's anti-phishing code: the word every email from us shows, so a fake one
stands out.
"""

from datetime import UTC, datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.errors import KefuError
from kefu.portal import session
from kefu.portal.access import PortalRequest, follow_contact_language, sign_in_url, signed_in
from kefu.portal.forms import AntiPhishingCodeForm
from kefu.portal.views.layout import render_page
from kefu.safety.actions import FRESH_SIGN_IN, SignInTooOld, set_anti_phishing_code

# Enough to recognise one's own code on a shared screen, not enough for an onlooker
# (or someone watching a screen share) to copy it.
SHOWN_CHARACTERS = 2
MASK = "•" * 6


def masked(code: str) -> str:
    """The code as the page shows it: a fixed run of dots, so even its length stays private."""
    return MASK + code[-SHOWN_CHARACTERS:] if code else ""


def signed_in_at(request: HttpRequest) -> datetime:
    """When this session signed in; a session without a readable time counts as long ago."""
    value = request.session.get(session.SIGNED_IN_AT_SESSION_KEY)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        return datetime.min.replace(tzinfo=UTC)
    return moment


def _page(
    request: PortalRequest,
    form: AntiPhishingCodeForm,
    *,
    stale: bool,
    attempted: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "stale": stale,
        "attempted": attempted,
        "masked_code": masked(request.contact.anti_phishing_code),
        "fresh_minutes": int(FRESH_SIGN_IN.total_seconds() // 60),
    }
    return render_page(request, "portal/security.html", context, status=status)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def security(request: PortalRequest) -> HttpResponse:
    since = signed_in_at(request)
    if request.method != "POST":
        # Said up front, so nobody types a new code only to be sent to sign in again.
        stale = timezone.now() - since > FRESH_SIGN_IN
        return _page(request, AntiPhishingCodeForm(), stale=stale)
    clearing = request.POST.get("clear") == "1"
    form = AntiPhishingCodeForm(None if clearing else request.POST)
    if not clearing and not form.is_valid():
        return _page(request, form, stale=False, status=400)
    code = "" if clearing else form.cleaned_data["code"]
    try:
        set_anti_phishing_code(contact=request.contact, code=code, signed_in_at=since)
    except SignInTooOld as refused:
        return _page(
            request, AntiPhishingCodeForm(), stale=True, attempted=True, status=refused.status
        )
    except KefuError as refused:
        form = AntiPhishingCodeForm(request.POST)
        form.is_valid()
        form.add_error("code", refused.message)
        return _page(request, form, stale=False, status=refused.status)
    if clearing:
        messages.success(request, _("Your anti-phishing code is removed."))
    else:
        messages.success(
            request, _("Your anti-phishing code is saved. Look for it in every email from us.")
        )
    return redirect("portal:security")


@require_POST
def sign_in_again(request: HttpRequest) -> HttpResponseRedirect:
    """Sign out and come back to the security page through a new sign-in."""
    contact = session.current_contact(request)
    if contact is not None:
        # The note on the sign-in page is read by this customer, in their language.
        follow_contact_language(request, contact)
    session.sign_out(request.session)
    messages.info(request, _("Sign in again to change your anti-phishing code."))
    return HttpResponseRedirect(sign_in_url(reverse("portal:security")))
