"""Endpoints that change a conversation: each parses a form and calls ONE action.

htmx posts get the re-rendered fragment back (with the other parts of the page that
changed as out-of-band swaps); a plain form post is redirected back to the page on
success and gets the whole page with the error on refusal. A refusal changes nothing.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import (
    ActionForm,
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
    reply_window_context,
    timeline_context,
    with_conversation,
)
from kefu.conversations import actions, selectors
from kefu.conversations.models import Conversation, Message
from kefu.core.errors import ConversationChanged, KefuError
from kefu.feedback import actions as feedback_actions
from kefu.routing import actions as routing_actions


class RefusedError(Exception):
    """A translated message and an HTTP status for the agent."""

    def __init__(self, message: str, status: int, title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.title = title


F = TypeVar("F", bound=ActionForm)
R = TypeVar("R")


def _attempt(action: Callable[[], R]) -> R:
    """Run one action, turning its refusals into a RefusedError the view can show."""
    try:
        return action()
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


def _details_refused(
    request: AgentRequest, conversation: Conversation, form: ActionForm, refusal: RefusedError
) -> HttpResponse:
    conversation = _fresh(request, conversation)
    if not is_htmx(request):
        return render_page(request, conversation, refusal.status, details_error=refusal.message)
    context = {
        **details_context(request, conversation),
        "details_error": refusal.message,
        "changed": False,
    }
    return render(request, "console/_details_update.html", context, status=refusal.status)


def _details_changed(
    request: AgentRequest, conversation: Conversation, result: object
) -> HttpResponse:
    if not is_htmx(request):
        return _done(request, conversation)
    loaded = timeline_context(conversation)
    context = {
        **details_context(request, conversation),
        "details_error": "",
        "changed": True,
        **header_context(conversation, loaded["messages"]),
        **loaded,
    }
    return render(request, "console/_details_update.html", context)


# What an endpoint shows when its action refused (with the bound form) or succeeded (with
# the action's result).
Refused = Callable[[AgentRequest, Conversation, F, RefusedError], HttpResponse]
Succeeded = Callable[[AgentRequest, Conversation, R], HttpResponse]


def _missed(refusal: RefusedError) -> list[Message]:
    """The replies a collision warning shows: what others sent since the form rendered."""
    cause = refusal.__cause__
    if not isinstance(cause, ConversationChanged):
        return []
    return cast(list[Message], cause.replies)


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
        via = form.cleaned_data["via"]
        seen = form.cleaned_data["seen_message_id"]
        _attempt(
            lambda: actions.send_reply(
                conversation=conversation,
                agent=request.agent,
                text=text,
                files=form.uploads(),
                then_status=then_status,
                via=via,
                seen_message_id=seen,
            )
        )
    except RefusedError as refusal:
        conversation = _fresh(request, conversation)
        # The bound form keeps the agent's text; file inputs cannot be refilled.
        data = request.POST.copy()
        missed = _missed(refusal)
        if missed:
            # Now seen: submitting the same form again is the agent's "send anyway".
            data["seen_message_id"] = str(missed[-1].pk)
        refused = reply_form(conversation, data)
        if not is_htmx(request):
            return render_page(
                request,
                conversation,
                refusal.status,
                reply_form=refused,
                reply_error=refusal.message,
                reply_error_title=refusal.title,
                collision_replies=missed,
            )
        context = {
            "conversation": conversation,
            "reply_form": refused,
            "reply_error": refusal.message,
            "reply_error_title": refusal.title,
            "collision_replies": missed,
            # A window that closed meanwhile shows why, and the ways that remain.
            **reply_window_context(conversation),
        }
        return render(request, "console/_reply_form.html", context, status=refusal.status)
    if not is_htmx(request):
        return _done(request, conversation)
    loaded = timeline_context(conversation)
    context = {
        "reply_form": reply_form(conversation),
        **reply_window_context(conversation),
        "changed": True,
        **header_context(conversation, loaded["messages"]),
        **loaded,
        **details_context(request, conversation),
    }
    return render(request, "console/_reply_update.html", context)


def conversation_action(
    form_class: type[F],
    act: Callable[[AgentRequest, Conversation, F], R],
    *,
    refused: Refused[F] = _details_refused,
    succeeded: Succeeded[R] = _details_changed,
) -> Callable[[AgentRequest, str], HttpResponseBase]:
    """One endpoint: parse `form_class`, call one action through `act`, render the outcome.

    A form that does not validate is refused with its `invalid_message` (or its first
    error); the action's refusals reach `refused` as a RefusedError, its result `succeeded`.
    """

    @require_POST
    @agent_required
    @with_conversation
    def view(request: AgentRequest, conversation: Conversation) -> HttpResponse:
        form = form_class(request.POST)
        try:
            if not form.is_valid():
                raise RefusedError(str(form.invalid_message) or _form_error(form), 400)
            result = _attempt(lambda: act(request, conversation, form))
        except RefusedError as refusal:
            return refused(request, conversation, form, refusal)
        return succeeded(request, conversation, result)

    return view


def _note_refused(
    request: AgentRequest, conversation: Conversation, form: NoteForm, refusal: RefusedError
) -> HttpResponse:
    if not is_htmx(request):
        return render_page(
            request, conversation, refusal.status, note_form=form, note_error=refusal.message
        )
    context = {"conversation": conversation, "note_form": form, "note_error": refusal.message}
    return render(request, "console/_note_form.html", context, status=refusal.status)


def _note_added(request: AgentRequest, conversation: Conversation, _note: object) -> HttpResponse:
    if not is_htmx(request):
        return _done(request, conversation)
    context = {"note_form": NoteForm(), "changed": True, **timeline_context(conversation)}
    return render(request, "console/_note_update.html", context)


def _field_action(
    action: Callable[..., Conversation], field: str
) -> Callable[[AgentRequest, Conversation, ActionForm], Conversation]:
    """An action that changes one field: the conversation, the agent as actor, the value."""
    return lambda request, conversation, form: action(
        conversation=conversation, actor=request.agent, **{field: form.cleaned_data[field]}
    )


def _add_note(request: AgentRequest, conversation: Conversation, form: NoteForm) -> Message:
    text = form.cleaned_data["text"]
    return actions.add_note(conversation=conversation, agent=request.agent, text=text)


def _transfer(
    request: AgentRequest, conversation: Conversation, form: TransferForm
) -> Conversation:
    return routing_actions.transfer(
        conversation=conversation,
        actor=request.agent,
        to_agent=form.cleaned_data["to_agent"],
        to_team=form.cleaned_data["to_team"],
    )


def _tag(request: AgentRequest, conversation: Conversation, form: TagsForm) -> Conversation:
    return actions.tag(conversation=conversation, actor=request.agent, names=form.names())


def _merge(request: AgentRequest, conversation: Conversation, form: MergeForm) -> Conversation:
    target = selectors.conversation_for_agent(request.agent, form.cleaned_data["target"])
    return actions.merge(source=conversation, target=target, actor=request.agent)


def _resolve_without_survey(
    request: AgentRequest, conversation: Conversation, _form: ActionForm
) -> Conversation:
    return feedback_actions.resolve_without_survey(conversation=conversation, actor=request.agent)


def _merged(
    request: AgentRequest, conversation: Conversation, target: Conversation
) -> HttpResponse:
    # This page's conversation is now a closed duplicate: continue on the merged one.
    if is_htmx(request):
        return client_redirect(
            reverse("console:conversation", kwargs={"reference": target.reference})
        )
    return _done(request, target)


note = conversation_action(NoteForm, _add_note, refused=_note_refused, succeeded=_note_added)
assign = conversation_action(AssignForm, _field_action(actions.assign, "assignee"))
transfer = conversation_action(TransferForm, _transfer)
change_status = conversation_action(StatusForm, _field_action(actions.change_status, "status"))
set_priority = conversation_action(PriorityForm, _field_action(actions.set_priority, "priority"))
set_tags = conversation_action(TagsForm, _tag)
merge = conversation_action(MergeForm, _merge, succeeded=_merged)
resolve_without_survey = conversation_action(ActionForm, _resolve_without_survey)
