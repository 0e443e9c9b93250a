"""The customer's side of identity verification cases (kefu.verification).

The customer follows the case an agent opened: asks for the codes the platform sends to
the *registered* email and phone, types them here, answers questions about the account,
uploads documents and may cancel. Agents decide; nothing here can approve anything.

The cancel link is public: the platform mails it to the old registered contacts when a
change is approved, and whoever holds the link may stop the change, signed in or not.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Concatenate, ParamSpec
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_stubs_ext import StrOrPromise

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core import throttle
from kefu.core.errors import NotFound
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.forms import (
    CHANGE_KINDS,
    ChangeForm,
    IdDocumentForm,
    KnowledgeForm,
    SelfieForm,
    VerificationCodeForm,
    uploads,
)
from kefu.portal.views.layout import not_found_page, render_page
from kefu.verification import actions, selectors
from kefu.verification.actions import CaseRefused
from kefu.verification.models import (
    CaseState,
    CheckKind,
    CheckState,
    VerificationCase,
    VerificationCheck,
)

# A person opens their link once or twice; the limit stops a script from trying tokens.
CANCELS_PER_IP = throttle.Limit("verification-cancel-ip", attempts=10, window_seconds=15 * 60)
CANCELLED_KEY = "portal_verification_cancelled"

CODE_CHECKS = frozenset({CheckKind.EMAIL_CODE, CheckKind.PHONE_CODE})
DOCUMENT_FORMS: dict[str, type[IdDocumentForm | SelfieForm]] = {
    CheckKind.ID_DOCUMENT: IdDocumentForm,
    CheckKind.SELFIE: SelfieForm,
}
# Where the platform-state check keeps the end of the customer's own lock (ISO 8601).
LOCK_UNTIL_KEY = "locked_until"
# The change form's place on the page, for its refusal and the redirect's anchor.
CHANGE_KEY = "change"
CANCEL_KEY = "cancel"

# The model's state labels are worded for agents ("Awaiting a second approver"); the
# customer needs to know where their request stands and whether it is their turn.
CASE_STATE_FOR_CUSTOMER: dict[str, StrOrPromise] = {
    CaseState.OPEN: pgettext_lazy("verification case for the customer", "Waiting for your checks"),
    CaseState.PROPOSED: pgettext_lazy("verification case for the customer", "Under review"),
    CaseState.APPROVED: pgettext_lazy("verification case for the customer", "Approved"),
    CaseState.EXECUTING: pgettext_lazy("verification case for the customer", "Being carried out"),
    CaseState.EXECUTED: pgettext_lazy("verification case for the customer", "Done"),
    CaseState.REJECTED: pgettext_lazy("verification case for the customer", "Not approved"),
    CaseState.CANCELLED: pgettext_lazy("verification case for the customer", "Cancelled"),
    CaseState.FAILED: pgettext_lazy("verification case for the customer", "Could not be done"),
}
CHECK_STATE_FOR_CUSTOMER: dict[str, StrOrPromise] = {
    CheckState.PENDING: pgettext_lazy("verification check for the customer", "To do"),
    CheckState.SUBMITTED: pgettext_lazy("verification check for the customer", "Awaiting review"),
    CheckState.PASSED: pgettext_lazy("verification check for the customer", "Passed"),
    CheckState.FAILED: pgettext_lazy("verification check for the customer", "Not passed"),
}

P = ParamSpec("P")


def forbidden_page(
    view: Callable[Concatenate[PortalRequest, P], HttpResponseBase],
) -> Callable[Concatenate[PortalRequest, P], HttpResponseBase]:
    """Answer PermissionDenied with the portal's own page, in the customer's language."""

    @wraps(view)
    def wrapper(request: PortalRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render_page(request, "portal/identity_forbidden.html", status=403)

    return wrapper


def _own_case(contact: Contact, case_uuid: UUID) -> VerificationCase:
    case = selectors.contact_case(contact, case_uuid)
    if case is None:
        # Someone else's case is "not found" too: a 403 would confirm that it exists.
        raise NotFound(_("There is no such verification case."))
    return case


def _case_check(case: VerificationCase, check_id: int) -> VerificationCheck:
    check = case.checks.filter(pk=check_id).first()
    if check is None:
        raise NotFound(_("There is no such check in this case."))
    return check


def _check_key(check: VerificationCheck) -> str:
    return f"check-{check.pk}"


@dataclass(frozen=True)
class Refusal:
    """Why the last step was refused, and where on the page: the form the customer used
    is shown again as they filled it."""

    key: str
    message: str
    form: forms.Form | None = None


@dataclass(frozen=True)
class CheckPanel:
    check: VerificationCheck
    key: str
    # The form for what the customer can do now; None when there is nothing to do.
    form: forms.Form | None
    refusal: str
    # The platform has sent a code for this check that the customer may type.
    code_sent: bool
    # The end of the customer's own security lock, when that is why the check failed.
    lock_until: datetime | None
    state_label: str


def _check_form(case: VerificationCase, check: VerificationCheck) -> forms.Form | None:
    if case.state != CaseState.OPEN or check.state in (CheckState.PASSED, CheckState.FAILED):
        return None
    if check.kind in CODE_CHECKS:
        return VerificationCodeForm() if check.challenge_id else None
    if check.kind == CheckKind.KNOWLEDGE and check.state == CheckState.PENDING:
        return KnowledgeForm(questions=selectors.questions(case))
    if check.kind in DOCUMENT_FORMS and check.state == CheckState.PENDING:
        return DOCUMENT_FORMS[check.kind]()
    return None


def _lock_until(check: VerificationCheck) -> datetime | None:
    if check.kind != CheckKind.PLATFORM_STATE:
        return None
    try:
        return datetime.fromisoformat(str(check.result.get(LOCK_UNTIL_KEY, "")))
    except ValueError:
        return None


def _panels(case: VerificationCase, refusal: Refusal | None) -> list[CheckPanel]:
    panels = []
    for check in case.checks.all():
        key = _check_key(check)
        kept = refusal.form if refusal is not None and refusal.key == key else None
        panels.append(
            CheckPanel(
                check=check,
                key=key,
                form=kept or _check_form(case, check),
                refusal=_refusal_at(refusal, key),
                code_sent=bool(check.challenge_id) and check.state == CheckState.PENDING,
                lock_until=_lock_until(check),
                state_label=str(CHECK_STATE_FOR_CUSTOMER[check.state]),
            )
        )
    return panels


def _change_form(case: VerificationCase, refusal: Refusal | None) -> ChangeForm | None:
    if case.kind not in CHANGE_KINDS or case.state != CaseState.OPEN:
        return None
    if refusal is not None and refusal.key == CHANGE_KEY:
        assert isinstance(refusal.form, ChangeForm)
        return refusal.form
    return ChangeForm(kind=case.kind, initial=case.requested_change)


def _refusal_at(refusal: Refusal | None, key: str) -> str:
    return refusal.message if refusal is not None and refusal.key == key else ""


def _case_page(
    request: PortalRequest,
    case: VerificationCase,
    *,
    refusal: Refusal | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "case": case,
        "state_label": CASE_STATE_FOR_CUSTOMER[case.state],
        "document_limit": filesizeformat(settings.KEFU_DOCUMENT_MAX_BYTES),
        "steps": selectors.steps(case),
        "panels": _panels(case, refusal),
        "change_form": _change_form(case, refusal),
        "change_refusal": _refusal_at(refusal, CHANGE_KEY),
        "cancel_refusal": _refusal_at(refusal, CANCEL_KEY),
        "has_identity_cases": True,
    }
    return render_page(request, "portal/identity_case.html", context, status=status)


def _case_url(case: VerificationCase, key: str = "") -> str:
    url = reverse("portal:identity_case", args=[case.uuid])
    return f"{url}#{key}" if key else url


def _attempt(
    request: PortalRequest,
    case: VerificationCase,
    step: Callable[[], object],
    *,
    key: str,
    done: str,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run one action for the customer: a refusal is shown where they acted, with what
    they typed; success redirects back to the case (a reload sends nothing twice)."""
    try:
        step()
    except CaseRefused as refused:
        return _case_page(request, case, refusal=Refusal(key, str(refused), form), status=400)
    messages.success(request, done)
    return redirect(_case_url(case, key))


def _invalid(
    request: PortalRequest, case: VerificationCase, key: str, form: forms.Form
) -> HttpResponse:
    return _case_page(request, case, refusal=Refusal(key, "", form), status=400)


@signed_in
@require_safe
def case_list(request: PortalRequest) -> HttpResponse:
    rows = [
        (case, CASE_STATE_FOR_CUSTOMER[case.state])
        for case in selectors.cases_of_contact(request.contact)
    ]
    return render_page(
        request,
        "portal/identity_cases.html",
        {"rows": rows, "has_identity_cases": bool(rows)},
    )


@signed_in
@not_found_page
@require_safe
def case_detail(request: PortalRequest, case_uuid: UUID) -> HttpResponse:
    return _case_page(request, _own_case(request.contact, case_uuid))


@signed_in
@not_found_page
@forbidden_page
@require_POST
def send_code(request: PortalRequest, case_uuid: UUID, check_id: int) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    check = _case_check(case, check_id)
    return _attempt(
        request,
        case,
        lambda: actions.send_code(check=check, contact=request.contact),
        key=_check_key(check),
        done=_("The code is on its way. Type it below when it arrives."),
    )


@signed_in
@not_found_page
@forbidden_page
@require_POST
def submit_code(request: PortalRequest, case_uuid: UUID, check_id: int) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    check = _case_check(case, check_id)
    form = VerificationCodeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, _check_key(check), form)
    code = form.cleaned_data["code"]
    # A fresh form on refusal: the typed code is never shown back.
    return _attempt(
        request,
        case,
        lambda: actions.submit_code(check=check, contact=request.contact, code=code),
        key=_check_key(check),
        done=_("Thank you: the code is correct."),
        form=VerificationCodeForm(),
    )


@signed_in
@not_found_page
@forbidden_page
@require_POST
def submit_answers(request: PortalRequest, case_uuid: UUID, check_id: int) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    check = _case_check(case, check_id)
    form = KnowledgeForm(request.POST, questions=selectors.questions(case))
    if not form.is_valid():
        return _invalid(request, case, _check_key(check), form)
    return _attempt(
        request,
        case,
        lambda: actions.submit_answers(
            check=check, contact=request.contact, answers=form.cleaned_data
        ),
        key=_check_key(check),
        done=_("Thank you: your answers were received."),
        form=form,
    )


@signed_in
@not_found_page
@forbidden_page
@require_POST
def upload_documents(request: PortalRequest, case_uuid: UUID, check_id: int) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    check = _case_check(case, check_id)
    form_class = DOCUMENT_FORMS.get(check.kind)
    if form_class is None:
        raise NotFound(_("There is no such check in this case."))
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, case, _check_key(check), form)

    def upload_all() -> None:
        for kind, upload in uploads(form):
            actions.upload_document(case=case, contact=request.contact, kind=kind, upload=upload)

    return _attempt(
        request,
        case,
        upload_all,
        key=_check_key(check),
        done=_("Received. Your documents are awaiting review by our team."),
        form=form_class(),
    )


@signed_in
@not_found_page
@forbidden_page
@require_POST
def request_change(request: PortalRequest, case_uuid: UUID) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    if case.kind not in CHANGE_KINDS:
        raise NotFound(_("There is no such verification case."))
    form = ChangeForm(request.POST, kind=case.kind)
    if not form.is_valid():
        return _invalid(request, case, CHANGE_KEY, form)
    return _attempt(
        request,
        case,
        lambda: actions.request_change(
            case=case, contact=request.contact, values=form.cleaned_data
        ),
        key=CHANGE_KEY,
        done=_("Your new details are saved with the case."),
        form=form,
    )


@signed_in
@not_found_page
@forbidden_page
@require_POST
def cancel(request: PortalRequest, case_uuid: UUID) -> HttpResponse:
    case = _own_case(request.contact, case_uuid)
    return _attempt(
        request,
        case,
        lambda: actions.cancel_by_customer(case=case, contact=request.contact),
        key=CANCEL_KEY,
        done=_("Your request is cancelled. Nothing will be changed on your account."),
    )


def active_cases_on(conversation: Conversation, contact: Contact) -> list[VerificationCase]:
    """The contact's active cases on a ticket, for the box on the ticket's page."""
    return [
        case
        for case in selectors.cases_of_conversation(conversation)
        if case.contact_id == contact.pk and case.is_active
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def cancel_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The cancel link from the notice sent to the old registered email and phone.

    GET only asks to confirm: mail scanners open links, and a scan must not cancel. The
    page says nothing about the case, since anyone may hold a forwarded link.
    """
    if request.method != "POST":
        return render_page(request, "portal/identity_cancel_link.html")
    if not throttle.hit(CANCELS_PER_IP, throttle.client_address(request)):
        error = _("Too many attempts from your connection. Please wait a quarter of an hour.")
        return render_page(
            request, "portal/identity_cancel_link.html", {"error": error}, status=429
        )
    try:
        case = actions.cancel_by_token(token=token)
    except CaseRefused:
        case = None
    # A case past cancelling comes back as it is; one cancelled already (a second click)
    # reads as cancelled, which is what the person wants to know.
    if case is None or case.state != CaseState.CANCELLED:
        error = _(
            "This link is no longer valid: the change was already cancelled, carried out "
            "or refused, or the link is incomplete."
        )
        return render_page(
            request, "portal/identity_cancel_link.html", {"error": error}, status=404
        )
    request.session[CANCELLED_KEY] = True
    return redirect("portal:verification_cancelled")


@require_safe
@never_cache
def cancelled_by_link(request: HttpRequest) -> HttpResponse:
    if not request.session.get(CANCELLED_KEY):
        return redirect("portal:home")
    return render_page(request, "portal/identity_cancelled.html")
