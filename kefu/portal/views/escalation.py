"""The customer asks for a higher tier on one of their tickets."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.conversations import selectors
from kefu.core.errors import EscalationRefused
from kefu.portal.access import PortalRequest, signed_in
from kefu.portal.forms import EscalateForm, ReplyForm
from kefu.portal.views.layout import not_found_page
from kefu.portal.views.tickets import ticket_page
from kefu.sla.escalation import escalate as escalate_case


@signed_in
@not_found_page
@require_POST
def escalate(request: PortalRequest, reference: str) -> HttpResponse:
    conversation = selectors.conversation_for_contact(request.contact, reference)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return ticket_page(request, conversation, ReplyForm(), escalate_form=form, status=400)
    try:
        escalate_case(
            conversation=conversation,
            reason=form.cleaned_data["reason"],
            contact=request.contact,
            unhappy=form.cleaned_data["unhappy"],
            from_tier=form.cleaned_data["tier"],
        )
    except EscalationRefused as refused:
        form.add_error(None, refused.message)
        return ticket_page(
            request, conversation, ReplyForm(), escalate_form=form, status=refused.status
        )
    messages.success(
        request,
        _("Your case has been passed to a higher team. They will answer you on this page."),
    )
    return redirect(reverse("portal:ticket", args=[conversation.reference]) + "#latest")
