"""The conversation page and the fragments it refreshes: header, timeline, details."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.agents import selectors as agent_selectors
from kefu.agents.models import Role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import NoteForm, ReplyForm
from kefu.console.htmx import is_htmx
from kefu.console.templatetags.kefu_sla import short_duration
from kefu.console.views.call_panel import calls_context
from kefu.console.views.community_panel import community_context
from kefu.console.views.escalation_panel import escalation_context
from kefu.console.views.verification_panel import verification_context
from kefu.conversations import holds, selectors
from kefu.conversations.models import Conversation, Message, MessageKind, Priority, Status
from kefu.conversations.reply_window import ChannelRule, reply_window, rule_for
from kefu.conversations.status import TRANSITIONS
from kefu.core.errors import NotFound
from kefu.feedback import selectors as feedback_selectors
from kefu.helpcenter.selectors import suggested_articles
from kefu.platform.selectors import customer_context
from kefu.routing.selectors import online_agents_with_load
from kefu.sla import selectors as sla_selectors
from kefu.sla.updates import templates_for

_CUSTOMER_VISIBLE = (MessageKind.INBOUND, MessageKind.OUTBOUND)

ConversationView = Callable[[AgentRequest, Conversation], HttpResponse]


def error_response(request: AgentRequest, message: str, status: int) -> HttpResponse:
    """A refusal as a whole page, or as a small box when htmx asked for a fragment."""
    template = "console/_error.html" if is_htmx(request) else "console/error.html"
    return render(request, template, {"message": message, "status": status}, status=status)


def with_conversation(view: ConversationView) -> Callable[[AgentRequest, str], HttpResponse]:
    """Resolve the URL's reference (K-000123) to a conversation the agent may see, or 404."""

    @wraps(view)
    def wrapped(request: AgentRequest, reference: str) -> HttpResponse:
        try:
            conversation = selectors.conversation_for_agent(request.agent, reference)
        except NotFound as error:
            return error_response(request, error.message, error.status)
        return view(request, conversation)

    return wrapped


def allowed_statuses(conversation: Conversation) -> list[tuple[str, str]]:
    """The statuses the status machine allows from here, in the usual order."""
    allowed = TRANSITIONS[Status(conversation.status)]
    return [(value, str(label)) for value, label in Status.choices if value in allowed]


def reply_form(conversation: Conversation, data: Any = None, files: Any = None) -> ReplyForm:
    # A blank form records what its agent has seen, for the collision warning on send.
    initial = (
        {} if data is not None else {"seen_message_id": selectors.latest_message_id(conversation)}
    )
    return ReplyForm(data, files, initial=initial, allowed_statuses=allowed_statuses(conversation))


def is_writable(conversation: Conversation) -> bool:
    return conversation.status != Status.CLOSED and conversation.merged_into_id is None


def reply_window_context(conversation: Conversation) -> dict[str, Any]:
    """The composer's reply-window line: open until when, the quota left, or why closed.

    Only channels with a rule (WeChat, Telegram …) ask the policy, so the page of an
    email or chat conversation costs no query more.
    """
    rule = rule_for(conversation.channel)
    if rule == ChannelRule():
        return {"window": None}
    window = reply_window(conversation)
    left = short_duration(window.until - timezone.now()) if window.until else ""
    return {
        "window": window,
        "window_rule": rule,
        "window_left": left,
        # Closed, and no other channel reaches the customer (no email address on file):
        # nothing the agent types could be sent.
        "window_blocked": not window.open and not window.alternatives,
    }


def header_context(
    conversation: Conversation, messages: list[Message] | None = None
) -> dict[str, Any]:
    """The header; given the timeline already loaded, its title costs no query."""
    title = conversation.subject
    if not title and messages is not None:
        first = next((m for m in messages if m.kind in _CUSTOMER_VISIBLE), None)
        title = " ".join(first.text[: selectors.PREVIEW_CHARS].split()) if first else ""
    elif not title:
        title = selectors.previews([conversation]).get(conversation.pk, "")
    return {"conversation": conversation, "title": title}


def timeline_context(conversation: Conversation) -> dict[str, Any]:
    return {
        "conversation": conversation,
        "messages": selectors.timeline(conversation, include_notes=True),
    }


def details_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    others = [
        other
        for other in selectors.conversations_for_contact(conversation.contact)
        if other.pk != conversation.pk
    ]
    can_assign_anyone = request.agent.has_role(Role.SUPERVISOR)
    # The holder passes a chat on; a supervisor moves any (routing.actions.transfer).
    can_transfer = can_assign_anyone or conversation.assignee_id == request.agent.pk
    agents = agent_selectors.assignable_agents() if can_assign_anyone or can_transfer else []
    return {
        "conversation": conversation,
        "writable": is_writable(conversation),
        "status_choices": allowed_statuses(conversation),
        "priority_choices": Priority.choices,
        "can_assign_anyone": can_assign_anyone,
        "agents": agents if can_assign_anyone else [],
        "can_transfer": can_transfer,
        # Only agents who can take it now: online with an open console (the action's rule).
        "transfer_agents": (
            list(
                online_agents_with_load()
                .exclude(pk=conversation.assignee_id or 0)
                .order_by("display_name", "username")
            )
            if can_transfer
            else []
        ),
        "teams": agent_selectors.teams() if can_transfer else [],
        "tags_value": ", ".join(tag.name for tag in conversation.tags.all()),
        "merge_candidates": [o for o in others if o.status != Status.CLOSED],
        "other_conversations": others,
        **escalation_context(request, conversation),
        **survey_context(request, conversation),
    }


def survey_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    """The survey line: each resolution's survey, and the supervisors' way to skip it."""
    return {
        "surveys": feedback_selectors.surveys_of(conversation),
        "can_resolve_without_survey": request.agent.has_role(Role.SUPERVISOR)
        and Status.RESOLVED in TRANSITIONS[Status(conversation.status)],
    }


def help_context(conversation: Conversation) -> dict[str, Any]:
    """Sidebar help: the customer's platform account and articles for the intent."""
    return {
        "platform": customer_context(conversation.contact),
        "suggested_articles": (
            suggested_articles(conversation.intent, conversation.language)
            if conversation.intent
            else []
        ),
    }


def secret_lock_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    """Who holds the conversation's secret lock, when it is someone other than this agent.

    The composer shows the lock instead of the form; a supervisor gets "take over".
    """
    if not conversation.secret_exposed:  # no query for the usual conversation
        return {"secret_lock_owner": ""}
    owner = holds.secret_lock_owner(conversation)
    if owner is None or owner == request.agent.pk or conversation.assignee is None:
        return {"secret_lock_owner": ""}
    assignee = conversation.assignee
    return {
        "secret_lock_owner": assignee.display_name or assignee.username,
        "can_take_over": request.agent.has_role(Role.SUPERVISOR),
    }


def page_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    loaded = timeline_context(conversation)
    return {
        **help_context(conversation),
        **header_context(conversation, loaded["messages"]),
        **loaded,
        **details_context(request, conversation),
        "reply_form": reply_form(conversation),
        **reply_window_context(conversation),
        "update_templates": templates_for(conversation),
        "note_form": NoteForm(),
        "contact": conversation.contact,
        "sla": sla_selectors.panel(conversation),
        **calls_context(conversation),
        **verification_context(request, conversation),
        **secret_lock_context(request, conversation),
        **community_context(conversation),
    }


def render_page(
    request: AgentRequest, conversation: Conversation, status: int = 200, **overrides: Any
) -> HttpResponse:
    context = {**page_context(request, conversation), **overrides}
    return render(request, "console/conversation.html", context, status=status)


@require_GET
@agent_required
@with_conversation
def conversation_page(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    return render_page(request, conversation)


@require_GET
@agent_required
@with_conversation
def header(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    return render(request, "console/_header.html", header_context(conversation))


@require_GET
@agent_required
@with_conversation
def timeline(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    return render(request, "console/_timeline.html", timeline_context(conversation))


@require_GET
@agent_required
@with_conversation
def reply_window_line(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    context = {"conversation": conversation, **reply_window_context(conversation)}
    return render(request, "console/_reply_window.html", context)


@require_GET
@agent_required
@with_conversation
def details(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    return render(request, "console/_details.html", details_context(request, conversation))
