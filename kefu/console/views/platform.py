"""Agent actions on the customer's platform account from a conversation."""

import logging

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response, with_conversation
from kefu.conversations.models import Conversation
from kefu.platform import actions as platform_actions
from kefu.platform.connector import Reason

log = logging.getLogger(__name__)


@require_POST
@agent_required
@with_conversation
def freeze_account(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    """Freeze the customer's platform account now (stolen-account case).

    Any agent may freeze: it only stops funds leaving, and lifting it needs a supervisor
    in the back office.
    """
    reason = Reason(
        "frozen_by_agent",
        {"agent": request.agent.public_id, "conversation": conversation.reference},
    )
    try:
        status = platform_actions.freeze_account(
            contact=conversation.contact, reason=reason, actor=request.agent
        )
    except Exception:
        log.exception("freeze failed for %s", conversation.reference)
        return error_response(
            request,
            _("The platform did not freeze the account. Freeze it in the back office now."),
            502,
        )
    if status is None:
        return error_response(request, _("No platform account is linked to this customer."), 409)
    return HttpResponseRedirect(reverse("console:conversation", args=[conversation.reference]))
