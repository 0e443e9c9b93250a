"""The customer's tickets: the list, one ticket with its history, replying, opening one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kefu.conversations import selectors
from kefu.conversations.actions import receive_message
from kefu.conversations.models import Conversation, Status
from kefu.core.errors import AttachmentRejected, MessageRejected
from kefu.core.languages import from_django
from kefu.feedback import selectors as feedback_selectors
from kefu.inboxes.portal.inbound import from_form
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.forms import EscalateForm, NewTicketForm, ReplyForm, inbound_files
from kefu.portal.views.identity import active_cases_on
from kefu.portal.views.layout import not_found_page, render_page
from kefu.sla.customer import case_state, case_states
from kefu.sla.escalation import customer_may_ask

# Flash messages with this tag are shown as the big "your ticket number" box.
TICKET_CREATED_TAG = "ticket-created"


def _partial(request: HttpRequest) -> bool:
    """A live refresh asks for the part of the page that changes, not the whole page."""
    return request.GET.get("partial") == "1"


@signed_in
@require_safe
def ticket_list(request: PortalRequest) -> HttpResponse:
    conversations = selectors.conversations_for_contact(request.contact)
    # The list shows who has each case; the expected time is on the ticket's own page.
    states = case_states(conversations, _reading_language(), with_next_answer=False)
    template = "portal/_ticket_list.html" if _partial(request) else "portal/tickets.html"
    context = {
        "conversations": conversations,
        "rows": list(zip(conversations, states, strict=True)),
    }
    return render_page(request, template, context)


def _reading_language() -> str:
    """The language the page is shown in (the customer's choice, see portal.access)."""
    return from_django(translation.get_language() or "zh-hans")


def ticket_page(
    request: PortalRequest,
    conversation: Conversation,
    form: ReplyForm,
    *,
    escalate_form: EscalateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    template = "portal/_ticket_live.html" if _partial(request) else "portal/ticket.html"
    context = {
        "conversation": conversation,
        "timeline": selectors.timeline(conversation, include_notes=False),
        "form": form,
        "closed": conversation.status == Status.CLOSED,
        "state": case_state(
            conversation, _reading_language(), reader_zone=request.contact.timezone
        ),
        # Offered while the customer may still ask for the next tier; whether the case is
        # late enough is checked on submission, which says why when it is not.
        "escalate_form": escalate_form or EscalateForm(initial={"tier": conversation.tier}),
        "can_escalate": escalate_form is not None or customer_may_ask(conversation),
        "identity_cases": active_cases_on(conversation, request.contact),
        "survey": feedback_selectors.open_survey(conversation),
    }
    return render_page(request, template, context, status=status)


@signed_in
@not_found_page
@require_safe
def ticket(request: PortalRequest, reference: str) -> HttpResponse:
    conversation = selectors.conversation_for_contact(request.contact, reference)
    return ticket_page(request, conversation, ReplyForm())


@signed_in
@not_found_page
@require_POST
def reply(request: PortalRequest, reference: str) -> HttpResponse:
    conversation = selectors.conversation_for_contact(request.contact, reference)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return ticket_page(request, conversation, form, status=400)
    try:
        inbound = from_form(
            contact=request.contact,
            text=form.cleaned_data["text"],
            conversation=conversation,
            files=inbound_files(form.cleaned_data["attachment"]),
            submission=form.cleaned_data["submission"],
        )
        message = receive_message(inbound)
    except AttachmentRejected as refused:
        form.add_error("attachment", refused.message)
        return ticket_page(request, conversation, form, status=refused.status)
    except MessageRejected as refused:
        form.add_error("text", refused.message)
        return ticket_page(request, conversation, form, status=refused.status)
    if message.conversation_id != conversation.pk:
        # A closed ticket stays as it was; writing to it opens a follow-up ticket.
        messages.success(
            request,
            _("%(old)s was closed, so your message opened a new ticket: %(new)s.")
            % {"old": conversation.reference, "new": message.conversation.reference},
            extra_tags=TICKET_CREATED_TAG,
        )
    return redirect(reverse("portal:ticket", args=[message.conversation.reference]) + "#latest")


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def new_ticket(request: PortalRequest) -> HttpResponse:
    if request.method != "POST":
        return render_page(request, "portal/new_ticket.html", {"form": NewTicketForm()})
    form = NewTicketForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_page(request, "portal/new_ticket.html", {"form": form}, status=400)
    try:
        inbound = from_form(
            contact=request.contact,
            text=form.cleaned_data["text"],
            subject=form.cleaned_data["subject"],
            intent=form.cleaned_data["intent"],
            files=inbound_files(form.cleaned_data["attachment"]),
            submission=form.cleaned_data["submission"],
        )
        message = receive_message(inbound)
    except AttachmentRejected as refused:
        form.add_error("attachment", refused.message)
        return render_page(request, "portal/new_ticket.html", {"form": form}, status=refused.status)
    except MessageRejected as refused:
        form.add_error("text", refused.message)
        return render_page(request, "portal/new_ticket.html", {"form": form}, status=refused.status)
    reference = message.conversation.reference
    messages.success(
        request,
        _(
            "Your ticket number is %(reference)s. Keep it: it is how you and support "
            "refer to this case."
        )
        % {"reference": reference},
        extra_tags=TICKET_CREATED_TAG,
    )
    return redirect("portal:ticket", reference=reference)
