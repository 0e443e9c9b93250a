"""Endpoints that change a conversation: each parses a form and calls ONE action.

htmx posts get the re-rendered fragment back (with the other parts of the page that
changed as out-of-band swaps); a plain form post is redirected back to the page on
success and gets the whole page with the error on refusal. A refusal changes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    StatusForm,
    TagsForm,
    TransferForm,
)
from kefu.console.htmx import client_redirect, is_htmx
from kefu.console.views.conversation import (
    details_context,
    header_context,
    render_page,
    reply_form,
    timeline_context,
    with_conversation,
)
from kefu.conversations import actions, selectors
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError
from kefu.routing import actions as routing_actions


class RefusedError(Exception):
    """A translated message and an HTTP status for the agent."""

    def __init__(self, message: str, status: int, title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title


def _attempt(action: Callable[[], Any]) -> None:
    """Run one action, turning its refusals into a RefusedError the view can show."""
    try:
        action()
    except PermissionDenied as denied:
        detail = str(denied) if denied.args else ""
        raise RefusedError(detail or _("You are not allowed to do this."), 403) from denied
    except KefuError as error:
        title = _("Blocked by the safety guard.") if error.code == "outbound_blocked" else ""
        raise RefusedError(error.message, error.status, title) from error


def _form_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Please check the form.")


def _fresh(request: AgentRequest, conversation: Conversation) -> Conversation:
    """Re-read after a refusal, so nothing half-applied in memory is shown as saved."""
    return selectors.conversation_for_agent(request.agent, conversation.reference)


def _done(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    return redirect("console:conversation", reference=conversation.reference)


def _details_response(
    request: AgentRequest,
    conversation: Conversation,
    refusal: RefusedError | None = None,
) -> HttpResponse:
    if refusal is not None:
        conversation = _fresh(request, conversation)
    if not is_htmx(request):
        if refusal is None:
            return _done(request, conversation)
        return render_page(request, conversation, refusal.status, details_error=refusal.message)
    context = {
        **details_context(request, conversation),
        "details_error": refusal.message if refusal else "",
        "changed": refusal is None,
    }
    if refusal is None:
        loaded = timeline_context(conversation)
        context |= header_context(conversation, loaded["messages"]) | loaded
    status = refusal.status if refusal else 200
    return render(request, "console/_details_update.html", context, status=status)


@require_POST
@agent_required
@with_conversation
def reply(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = reply_form(conversation, request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise RefusedError(_form_error(form), 413 if form.has_error("attachments") else 400)
        text = form.cleaned_data["text"]
        then_status = form.cleaned_data["then_status"]
        _attempt(
            lambda: actions.send_reply(
                conversation=conversation,
                agent=request.agent,
                text=text,
                files=form.uploads(),
                then_status=then_status,
            )
        )
    except RefusedError as refusal:
        conversation = _fresh(request, conversation)
        # The bound form keeps the agent's text; file inputs cannot be refilled.
        refused = reply_form(conversation, request.POST)
        if not is_htmx(request):
            return render_page(
                request,
                conversation,
                refusal.status,
                reply_form=refused,
                reply_error=refusal.message,
                reply_error_title=refusal.title,
            )
        context = {
            "conversation": conversation,
            "reply_form": refused,
            "reply_error": refusal.message,
            "reply_error_title": refusal.title,
        }
        return render(request, "console/_reply_form.html", context, status=refusal.status)
    if not is_htmx(request):
        return _done(request, conversation)
    loaded = timeline_context(conversation)
    context = {
        "reply_form": reply_form(conversation),
        "changed": True,
        **header_context(conversation, loaded["messages"]),
        **loaded,
        **details_context(request, conversation),
    }
    return render(request, "console/_reply_update.html", context)


@require_POST
@agent_required
@with_conversation
def note(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Write the note first."), 400)
        text = form.cleaned_data["text"]
        _attempt(
            lambda: actions.add_note(conversation=conversation, agent=request.agent, text=text)
        )
    except RefusedError as refusal:
        if not is_htmx(request):
            return render_page(
                request, conversation, refusal.status, note_form=form, note_error=refusal.message
            )
        context = {"conversation": conversation, "note_form": form, "note_error": refusal.message}
        return render(request, "console/_note_form.html", context, status=refusal.status)
    if not is_htmx(request):
        return _done(request, conversation)
    context = {"note_form": NoteForm(), "changed": True, **timeline_context(conversation)}
    return render(request, "console/_note_update.html", context)


@require_POST
@agent_required
@with_conversation
def assign(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = AssignForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Choose an agent from the list."), 400)
        assignee = form.cleaned_data["assignee"]
        _attempt(
            lambda: actions.assign(
                conversation=conversation, actor=request.agent, assignee=assignee
            )
        )
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    return _details_response(request, conversation)


@require_POST
@agent_required
@with_conversation
def transfer(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = TransferForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Choose an agent or a team from the list."), 400)
        to_agent, to_team = form.cleaned_data["to_agent"], form.cleaned_data["to_team"]
        _attempt(
            lambda: routing_actions.transfer(
                conversation=conversation, actor=request.agent, to_agent=to_agent, to_team=to_team
            )
        )
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    return _details_response(request, conversation)


@require_POST
@agent_required
@with_conversation
def change_status(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = StatusForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Choose a status from the list."), 400)
        status = form.cleaned_data["status"]
        _attempt(
            lambda: actions.change_status(
                conversation=conversation, actor=request.agent, status=status
            )
        )
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    return _details_response(request, conversation)


@require_POST
@agent_required
@with_conversation
def set_priority(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = PriorityForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Choose a priority from the list."), 400)
        priority = form.cleaned_data["priority"]
        _attempt(
            lambda: actions.set_priority(
                conversation=conversation, actor=request.agent, priority=priority
            )
        )
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    return _details_response(request, conversation)


@require_POST
@agent_required
@with_conversation
def set_tags(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = TagsForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_form_error(form), 400)
        names = form.names()
        _attempt(lambda: actions.tag(conversation=conversation, actor=request.agent, names=names))
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    return _details_response(request, conversation)


@require_POST
@agent_required
@with_conversation
def merge(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    form = MergeForm(request.POST)
    try:
        if not form.is_valid():
            raise RefusedError(_("Enter the reference of the conversation to merge into."), 400)
        try:
            target = selectors.conversation_for_agent(request.agent, form.cleaned_data["target"])
        except KefuError as error:
            raise RefusedError(error.message, error.status) from error
        _attempt(lambda: actions.merge(source=conversation, target=target, actor=request.agent))
    except RefusedError as refusal:
        return _details_response(request, conversation, refusal)
    # This page's conversation is now a closed duplicate: continue on the merged one.
    if is_htmx(request):
        return client_redirect(
            reverse("console:conversation", kwargs={"reference": target.reference})
        )
    return _done(request, target)
