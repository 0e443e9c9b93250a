"""The phone hotline in the console: the screen pop, wrap-up, the caller log, click-to-call.

Each endpoint parses, checks who may see the call, calls one action and renders.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.agents.models import Role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import CallNumberForm, LinkCallerForm, NoteForm, WrapUpForm
from kefu.console.htmx import is_htmx
from kefu.console.views.call_panel import customer_numbers
from kefu.console.views.conversation import error_response, with_conversation
from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations import selectors as conversation_selectors
from kefu.conversations.models import Conversation, Status
from kefu.core.errors import KefuError, NotFound
from kefu.core.intents import Intent
from kefu.core.phone_numbers import display
from kefu.inboxes.phone import caller_log, caller_log_queries, dispatch
from kefu.inboxes.phone.actions import customer_number, is_e164
from kefu.inboxes.phone.models import LIVE_STATUSES, Call, CallStatus
from kefu.platform.selectors import customer_context


def _call_for(request: AgentRequest, call_id: int) -> Call:
    """The call, for the agent it rings for or is with, or a supervisor; otherwise not found."""
    call = (
        Call.objects.select_related("contact", "conversation", "agent", "team")
        .filter(pk=call_id)
        .first()
    )
    if call is None or not (
        call.agent_id == request.agent.pk or request.agent.has_role(Role.SUPERVISOR)
    ):
        raise NotFound(_("This call is not yours to see."))
    return call


def is_unknown(contact: Contact | None) -> bool:
    """Nothing but a phone number is known about the caller (caller ID proves nothing)."""
    if contact is None:
        return True
    return not contact.email and all(
        identity.kind == IdentityKind.PHONE for identity in contact.identities.all()
    )


def caller_number(call: Call) -> str:
    number = customer_number(call)
    return display(number) if is_e164(number) else number


def _pop_context(request: AgentRequest, call: Call, **extra: Any) -> dict[str, Any]:
    contact = call.contact
    conversations = (
        conversation_selectors.conversations_for_contact(contact) if contact is not None else []
    )
    live = call.status in LIVE_STATUSES
    return {
        "call": call,
        "number": caller_number(call),
        "contact": contact,
        "unknown": is_unknown(contact),
        "platform": customer_context(contact) if contact is not None else None,
        "open_conversations": [c for c in conversations if c.status != Status.CLOSED],
        "topic": Intent(call.intent).label if call.intent in Intent.values else "",
        "ringing": call.status == CallStatus.RINGING,
        "takes_notes": call.status == CallStatus.IN_PROGRESS and call.conversation is not None,
        "wraps_up": not live and call.agent_id == request.agent.pk,
        "note_form": NoteForm(),
        "wrap_up_form": WrapUpForm(
            initial={"intent": call.wrap_up_intent or call.intent, "outcome": call.wrap_up_outcome}
        ),
        **extra,
    }


@require_GET
@agent_required
def call_pop(request: AgentRequest, call_id: int) -> HttpResponse:
    try:
        call = _call_for(request, call_id)
    except NotFound as error:
        return error_response(request, error.message, error.status)
    return render(request, "console/_call_pop.html", _pop_context(request, call))


@require_POST
@agent_required
def wrap_up(request: AgentRequest, call_id: int) -> HttpResponse:
    try:
        call = _call_for(request, call_id)
    except NotFound as error:
        return error_response(request, error.message, error.status)
    form = WrapUpForm(request.POST)
    message, status = "", 200
    if not form.is_valid():
        message, status = _("Choose the call's topic and how it ended."), 400
    else:
        try:
            caller_log.wrap_up(
                call=call,
                agent=request.agent,
                intent=form.cleaned_data["intent"],
                outcome=form.cleaned_data["outcome"],
            )
        except PermissionDenied as denied:
            message, status = str(denied), 403
        except KefuError as error:
            message, status = error.message, error.status
    if not is_htmx(request):
        if status != 200:
            return error_response(request, message, status)
        return redirect("console:calls")
    call.refresh_from_db()
    context = _pop_context(request, call, wrap_up_error=message, wrap_up_form=form)
    return render(request, "console/_call_pop.html", context, status=status)


@require_GET
@agent_required
def call_log(request: AgentRequest) -> HttpResponse:
    to_do = request.GET.get("show") == "todo"
    calls = list(caller_log_queries.to_do() if to_do else caller_log_queries.recent_calls())
    unreturned = set(caller_log_queries.to_do().values_list("pk", flat=True))
    rows = [
        {
            "call": call,
            "number": caller_number(call),
            "unknown": is_unknown(call.contact),
            "to_do": call.pk in unreturned,
        }
        for call in calls
    ]
    context = {
        "rows": rows,
        "show_to_do": to_do,
        "to_do_count": len(unreturned),
        "link_form": LinkCallerForm(),
        "nav": "calls",
    }
    return render(request, "console/calls.html", context)


def _back_to_log(request: AgentRequest) -> HttpResponse:
    response = redirect("console:calls")
    if request.POST.get("show") == "todo":
        response["Location"] += "?show=todo"
    return response


@require_POST
@agent_required
def mark_seen(request: AgentRequest, call_id: int) -> HttpResponse:
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        return error_response(request, _("There is no such call."), 404)
    caller_log.mark_seen(call=call, agent=request.agent)
    return _back_to_log(request)


@require_POST
@agent_required
def mark_all_seen(request: AgentRequest) -> HttpResponse:
    caller_log.mark_all_seen(request.agent)
    return _back_to_log(request)


@require_POST
@agent_required
def link_caller(request: AgentRequest, call_id: int) -> HttpResponse:
    call = Call.objects.select_related("contact").filter(pk=call_id).first()
    if call is None:
        return error_response(request, _("There is no such call."), 404)
    form = LinkCallerForm(request.POST)
    if not form.is_valid():
        return error_response(request, _("Give a conversation of the customer who called."), 400)
    try:
        conversation = conversation_selectors.conversation_for_agent(
            request.agent, form.cleaned_data["reference"].strip().upper()
        )
        caller_log.link_caller(call=call, contact=conversation.contact, actor=request.agent)
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    except KefuError as error:
        return error_response(request, error.message, error.status)
    return _back_to_log(request)


@require_POST
@agent_required
@with_conversation
def click_to_call(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    """Call the customer from the hotline, on one of their own numbers."""
    form = CallNumberForm(request.POST, numbers=customer_numbers(conversation.contact))
    if not form.is_valid():
        return error_response(request, str(form.invalid_message), 400)
    try:
        dispatch.click_to_call(request.agent, conversation, form.cleaned_data["number"])
    except KefuError as error:
        return error_response(request, error.message, error.status)
    return redirect("console:conversation", reference=conversation.reference)
