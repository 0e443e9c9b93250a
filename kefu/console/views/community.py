"""The community in the console: the queue, a thread with staff's tools, post links.

Every agent may read the queue and answer officially; the moderator tools (approve,
hide, lock, move, merge, ban, resolve reports, escalate) are shown to moderators and
checked again by the actions. Each POST parses one form and calls ONE action of
kefu.community.actions: htmx gets the thread fragment back, a plain post is redirected
to the thread on success and gets the whole page with the error on refusal. A refusal
changes nothing and keeps what the agent typed.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.community import actions
from kefu.community import queue_selectors as selectors
from kefu.community.models import Post, Question
from kefu.community.permissions import is_moderator
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import (
    ActionForm,
    CommunityAnswerForm,
    CommunityBanForm,
    CommunityHideForm,
    CommunityLockForm,
    CommunityMergeForm,
    CommunityMoveForm,
    CommunityPublishForm,
    CommunityQueueFilterForm,
)
from kefu.console.htmx import client_redirect, is_htmx
from kefu.console.views.community_panel import community_context
from kefu.console.views.conversation import error_response, render_page, with_conversation
from kefu.conversations.models import Conversation
from kefu.core.errors import KefuError, NotFound
from kefu.helpcenter.models import Category

# The thread's part of the page, swapped by htmx after each action.
_THREAD_TEMPLATE = "console/community/_thread.html"


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
    form = CommunityQueueFilterForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    show = chosen.get("show") or ""
    filters = selectors.QueueFilter(
        language=chosen.get("language") or "", category_id=chosen.get("category")
    )
    context = {
        "nav": "community",
        "filter_form": form,
        "show": show,
        "filters": filters,
        "categories": selectors.categories(),
        "unanswered": selectors.unanswered(filters) if show in ("", "unanswered") else [],
        "held": selectors.held_posts(filters) if show in ("", "held") else [],
        "reported": selectors.open_reports(filters) if show in ("", "reported") else [],
        "is_moderator": is_moderator(request.agent),
    }
    return render(request, "console/community/queue.html", context)


def _thread_context(request: AgentRequest, question_id: int, **extra: Any) -> dict[str, Any]:
    thread = selectors.thread_for_staff(question_id)
    return {
        "nav": "community",
        "thread": thread,
        "question": thread.question,
        "is_moderator": is_moderator(request.agent),
        "categories": selectors.categories(),
        "answer_form": CommunityAnswerForm(),
        "error": "",
        "draft_id": None,
        **extra,
    }


@require_GET
@agent_required
def question(request: AgentRequest, question_id: int) -> HttpResponse:
    draft = request.GET.get("draft", "")
    try:
        context = _thread_context(
            request, question_id, draft_id=int(draft) if draft.isdecimal() else None
        )
    except NotFound as missing:
        return error_response(request, missing.message, missing.status)
    return render(request, "console/community/question.html", context)


@require_GET
@agent_required
def post(request: AgentRequest, post_id: int) -> HttpResponse:
    """A post's address (safety alerts link here): its thread, scrolled to the post."""
    try:
        question_id = selectors.question_of_post(post_id)
    except NotFound as missing:
        return error_response(request, missing.message, missing.status)
    return redirect(_thread_url(question_id, f"post-{post_id}"))


def _thread_url(question_id: int, anchor: str = "", query: str = "") -> str:
    url = reverse("console:community_question", args=[question_id])
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _refusal(error: Exception) -> tuple[str, int]:
    if isinstance(error, PermissionDenied):
        return (str(error) if error.args else "") or _("You are not allowed to do this."), 403
    if isinstance(error, KefuError):
        return error.message, error.status
    raise error


def _invalid(form: ActionForm) -> str:
    if form.invalid_message:
        return str(form.invalid_message)
    for errors in form.errors.values():
        return str(errors[0])
    return _("Please check the form.")


def _act(
    request: AgentRequest,
    question_id: int,
    form: ActionForm,
    action: Callable[[], object],
    *,
    anchor: str = "",
    keep: dict[str, Any] | None = None,
    after: Callable[[object], str] | None = None,
) -> HttpResponse:
    """Validate `form`, run `action`, and answer with the thread (or its refusal).

    `keep` is put back in the context on refusal (the bound answer form, so the text
    stays); `after` turns the action's result into a query string for the thread page.
    """
    error, status, result = "", 200, None
    if not form.is_valid():
        error, status = _invalid(form), 400
    else:
        try:
            result = action()
        except (PermissionDenied, KefuError) as refused:
            error, status = _refusal(refused)
    query = after(result) if after is not None and not error else ""
    if not error and not is_htmx(request):
        return redirect(_thread_url(question_id, anchor, query))
    draft = int(query.removeprefix("draft=")) if query.startswith("draft=") else None
    extra: dict[str, Any] = {"error": error, "draft_id": draft, **((keep or {}) if error else {})}
    try:
        context = _thread_context(request, question_id, **extra)
    except NotFound as missing:
        return error_response(request, missing.message, missing.status)
    if is_htmx(request):
        return render(request, _THREAD_TEMPLATE, context, status=status)
    return render(request, "console/community/question.html", context, status=status)


def _with_question(
    request: AgentRequest, question_id: int, view: Callable[[Question], HttpResponse]
) -> HttpResponse:
    try:
        found = selectors.question_for_staff(question_id)
    except NotFound as missing:
        return error_response(request, missing.message, missing.status)
    return view(found)


def _with_post(
    request: AgentRequest, post_id: int, view: Callable[[Post], HttpResponse]
) -> HttpResponse:
    try:
        found = selectors.post_for_staff(post_id)
    except NotFound as missing:
        return error_response(request, missing.message, missing.status)
    return view(found)


# --- on the question ------------------------------------------------------------------


@require_POST
@agent_required
def answer(request: AgentRequest, question_id: int) -> HttpResponse:
    """An official answer: any agent may write one (the action screens and guards it)."""

    def view(found: Question) -> HttpResponse:
        form = CommunityAnswerForm(request.POST)
        return _act(
            request,
            found.pk,
            form,
            lambda: actions.answer(
                author=request.agent, question=found, body=form.cleaned_data["body"]
            ),
            anchor="answers",
            keep={"answer_form": form},
        )

    return _with_question(request, question_id, view)


@require_POST
@agent_required
def lock(request: AgentRequest, question_id: int) -> HttpResponse:
    def view(found: Question) -> HttpResponse:
        form = CommunityLockForm(request.POST)
        return _act(
            request,
            found.pk,
            form,
            lambda: actions.set_locked(
                actor=request.agent, question=found, locked=form.cleaned_data["locked"]
            ),
        )

    return _with_question(request, question_id, view)


@require_POST
@agent_required
def move(request: AgentRequest, question_id: int) -> HttpResponse:
    def view(found: Question) -> HttpResponse:
        form = CommunityMoveForm(request.POST)

        def run() -> object:
            chosen = form.cleaned_data["category"]
            category = None
            if chosen is not None:
                category = Category.objects.filter(pk=chosen).first()
                if category is None:
                    raise NotFound(_("There is no such category."))
            return actions.move(actor=request.agent, question=found, category=category)

        return _act(request, found.pk, form, run)

    return _with_question(request, question_id, view)


@require_POST
@agent_required
def merge(request: AgentRequest, question_id: int) -> HttpResponse:
    def view(found: Question) -> HttpResponse:
        form = CommunityMergeForm(request.POST)

        def run() -> object:
            into = selectors.question_for_staff(form.cleaned_data["into"])
            return actions.merge(actor=request.agent, question=found, into=into)

        response = _act(request, found.pk, form, run)
        if response.status_code < 400 and form.is_valid():
            # The merged question's page now points elsewhere: go where the answers went.
            target = _thread_url(form.cleaned_data["into"])
            return client_redirect(target) if is_htmx(request) else redirect(target)
        return response

    return _with_question(request, question_id, view)


@require_POST
@agent_required
def escalate(request: AgentRequest, question_id: int) -> HttpResponse:
    def view(found: Question) -> HttpResponse:
        return _act(
            request,
            found.pk,
            ActionForm(request.POST),
            lambda: actions.escalate(actor=request.agent, question=found),
        )

    return _with_question(request, question_id, view)


@require_POST
@agent_required
def propose_article(request: AgentRequest, question_id: int) -> HttpResponse:
    def view(found: Question) -> HttpResponse:
        return _act(
            request,
            found.pk,
            ActionForm(request.POST),
            lambda: actions.propose_article(actor=request.agent, question=found),
            after=lambda draft: f"draft={getattr(draft, 'pk', '')}",
        )

    return _with_question(request, question_id, view)


# --- on one post ----------------------------------------------------------------------


def _on_post(
    request: AgentRequest,
    post_id: int,
    form_class: type[ActionForm],
    run: Callable[[Post, ActionForm], object],
) -> HttpResponse:
    def view(found: Post) -> HttpResponse:
        form = form_class(request.POST)
        return _act(
            request, found.question_id, form, lambda: run(found, form), anchor=f"post-{found.pk}"
        )

    return _with_post(request, post_id, view)


@require_POST
@agent_required
def approve(request: AgentRequest, post_id: int) -> HttpResponse:
    return _on_post(
        request,
        post_id,
        ActionForm,
        lambda found, form: actions.approve(actor=request.agent, post=found),
    )


@require_POST
@agent_required
def hide(request: AgentRequest, post_id: int) -> HttpResponse:
    return _on_post(
        request,
        post_id,
        CommunityHideForm,
        lambda found, form: actions.hide(
            actor=request.agent, post=found, reason=form.cleaned_data["reason"]
        ),
    )


@require_POST
@agent_required
def resolve_reports(request: AgentRequest, post_id: int) -> HttpResponse:
    return _on_post(
        request,
        post_id,
        ActionForm,
        lambda found, form: actions.resolve_reports(actor=request.agent, post=found),
    )


def _author(found: Post) -> Any:
    if found.member is None:
        raise NotFound(_("Staff posts have no community member to ban."))
    return found.member


@require_POST
@agent_required
def ban_author(request: AgentRequest, post_id: int) -> HttpResponse:
    return _on_post(
        request,
        post_id,
        CommunityBanForm,
        lambda found, form: actions.ban(
            actor=request.agent,
            member=_author(found),
            until=timezone.now() + timedelta(days=form.cleaned_data["days"]),
            reason=form.cleaned_data["reason"],
        ),
    )


@require_POST
@agent_required
def unban_author(request: AgentRequest, post_id: int) -> HttpResponse:
    return _on_post(
        request,
        post_id,
        ActionForm,
        lambda found, form: actions.unban(actor=request.agent, member=_author(found)),
    )


# --- from a support conversation ------------------------------------------------------


@require_POST
@agent_required
@with_conversation
def publish_answer(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    """The conversation's answer, published to the community question it came from."""
    form = CommunityPublishForm(request.POST)
    error, status, published = "", 200, None
    if not form.is_valid():
        error, status = _invalid(form), 400
    else:
        # Only a question this conversation came from: the form's number is not trusted.
        found = next(
            (
                linked
                for linked in selectors.questions_of_conversation(conversation.pk)
                if linked.pk == form.cleaned_data["question"]
            ),
            None,
        )
        if found is None:
            error, status = _("This conversation did not come from that question."), 404
        else:
            try:
                published = actions.publish_answer(
                    actor=request.agent, question=found, body=form.cleaned_data["body"]
                )
            except (PermissionDenied, KefuError) as refused:
                error, status = _refusal(refused)
    if not is_htmx(request):
        if not error:
            return redirect("console:conversation", reference=conversation.reference)
        return render_page(
            request, conversation, status, community_error=error, community_form=form
        )
    context = {
        **community_context(conversation),
        "conversation": conversation,
        "community_error": error,
        "community_published": published,
    }
    if error:
        context["community_form"] = form
    return render(request, "console/community/_conversation_panel.html", context, status=status)
