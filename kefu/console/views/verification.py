"""Agents' side of verification cases: the conversation's panel, its steps, the documents
for reviewers, and the reviewers' queue.

Each step is one `conversation_action` (parse → call one action → render): a plain post
is redirected back to the conversation, an htmx post gets the panel again; a refusal is
the console's error box or page with its translated message.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import (
    CaseForm,
    CheckForm,
    DecisionForm,
    OpenCaseForm,
    ProposeForm,
    ReviewForm,
)
from kefu.console.htmx import is_htmx
from kefu.console.views.conversation import error_response, with_conversation
from kefu.console.views.conversation_actions import F, R, RefusedError, conversation_action
from kefu.console.views.verification_panel import verification_context
from kefu.conversations import selectors as conversation_selectors
from kefu.conversations.models import Conversation
from kefu.core.errors import NotFound
from kefu.verification import actions, selectors
from kefu.verification.actions import CaseRefused
from kefu.verification.models import (
    ACTIVE_STATES,
    VerificationCase,
    VerificationCheck,
    VerificationDocument,
)

Act = Callable[[AgentRequest, Conversation, F], R]


def _refusable(act: Act[F, R]) -> Act[F, R]:
    """CaseRefused carries a message for the agent: shown like any other refusal."""

    @wraps(act)
    def run(request: AgentRequest, conversation: Conversation, form: F) -> R:
        try:
            return act(request, conversation, form)
        except CaseRefused as refused:
            raise RefusedError(str(refused), 400) from refused

    return run


def _refused(
    request: AgentRequest, conversation: Conversation, _form: object, refusal: RefusedError
) -> HttpResponse:
    return error_response(request, refusal.message, refusal.status)


def _changed(request: AgentRequest, conversation: Conversation, _result: object) -> HttpResponse:
    if is_htmx(request):
        context = verification_context(request, conversation)
        return render(request, "console/_verification.html", context)
    return redirect("console:conversation", reference=conversation.reference)


def case_action(form_class: type[F], act: Act[F, R]) -> Callable[..., HttpResponseBase]:
    return conversation_action(form_class, _refusable(act), refused=_refused, succeeded=_changed)


def _case(conversation: Conversation, form: CaseForm) -> VerificationCase:
    """The form's case, only if it belongs to this conversation (ids are guessable)."""
    case = (
        selectors.cases_of_conversation(conversation).filter(pk=form.cleaned_data["case"]).first()
    )
    if case is None:
        raise RefusedError(str(CaseForm.invalid_message), 404)
    return case


def _check(conversation: Conversation, form: CheckForm) -> VerificationCheck:
    check = _case(conversation, form).checks.filter(pk=form.cleaned_data["check_id"]).first()
    if check is None:
        raise RefusedError(str(CaseForm.invalid_message), 404)
    return check


def _open(request: AgentRequest, conversation: Conversation, form: OpenCaseForm) -> object:
    kind = form.cleaned_data["kind"]
    return actions.open_case(conversation=conversation, agent=request.agent, kind=kind)


def _send_code(request: AgentRequest, conversation: Conversation, form: CheckForm) -> object:
    return actions.send_code(check=_check(conversation, form), agent=request.agent)


def _recheck(request: AgentRequest, conversation: Conversation, form: CheckForm) -> object:
    check = _check(conversation, form)
    return actions.refresh_platform_state(check=check, agent=request.agent)


def _review(request: AgentRequest, conversation: Conversation, form: ReviewForm) -> object:
    return actions.review_documents(
        check=_check(conversation, form),
        agent=request.agent,
        passed=form.cleaned_data["passed"],
        note=form.cleaned_data["note"],
    )


def _propose(request: AgentRequest, conversation: Conversation, form: ProposeForm) -> object:
    case = _case(conversation, form)
    return actions.propose(case=case, agent=request.agent, note=form.cleaned_data["note"])


def _decision(
    action: Callable[..., VerificationCase],
) -> Act[DecisionForm, VerificationCase]:
    """Approve, reject or cancel: a case of this conversation, the agent, a reason."""

    def act(
        request: AgentRequest, conversation: Conversation, form: DecisionForm
    ) -> VerificationCase:
        case = _case(conversation, form)
        return action(case=case, agent=request.agent, reason=form.cleaned_data["reason"])

    return act


open_case = case_action(OpenCaseForm, _open)
send_code = case_action(CheckForm, _send_code)
recheck_state = case_action(CheckForm, _recheck)
review_documents = case_action(ReviewForm, _review)
propose = case_action(ProposeForm, _propose)
approve = case_action(DecisionForm, _decision(actions.approve))
reject = case_action(DecisionForm, _decision(actions.reject))
cancel = case_action(DecisionForm, _decision(actions.cancel_by_agent))


@require_GET
@agent_required
@with_conversation
def panel(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    context = verification_context(request, conversation)
    return render(request, "console/_verification.html", context)


@require_GET
@agent_required
def document(request: AgentRequest, document_id: int) -> HttpResponse:
    """One uploaded document, for a reviewer's eyes only: never cached, never sniffed."""
    found = (
        VerificationDocument.objects.select_related("case__conversation")
        .filter(pk=document_id)
        .first()
    )
    try:
        if found is None:
            raise NotFound(_("This document does not exist or was deleted."))
        # The agent must be able to see the conversation the case came from.
        conversation_selectors.conversation_for_agent(
            request.agent, found.case.conversation.reference
        )
        content = actions.read_document(document=found, agent=request.agent)
    except NotFound as error:
        return error_response(request, error.message, error.status)
    except PermissionDenied as denied:
        message = str(denied) if denied.args else _("Documents are visible to reviewers only.")
        return error_response(request, message, 403)
    except CaseRefused as refused:
        return error_response(request, str(refused), 410)
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@agent_required
def verification_count(request: AgentRequest) -> HttpResponse:
    """The navigation's badge: cases awaiting this agent's decision."""
    count = selectors.review_queue(request.agent).count()
    return render(request, "console/_verification_count.html", {"count": count})


@require_GET
@agent_required
def verification_queue(request: AgentRequest) -> HttpResponse:
    """Cases awaiting a decision this agent may make, oldest first; and the agent's own."""
    to_decide = (
        selectors.review_queue(request.agent)
        .select_related("contact", "conversation", "proposed_by")
        .order_by("proposed_at", "pk")
    )
    own = (
        VerificationCase.objects.filter(owner=request.agent, state__in=ACTIVE_STATES)
        .select_related("contact", "conversation")
        .order_by("created_at", "pk")
    )
    context = {"nav": "verification", "to_decide": to_decide, "own_cases": own}
    return render(request, "console/verification_queue.html", context)
