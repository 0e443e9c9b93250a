"""An agent moves a conversation up one tier (kefu.sla.escalation), with a reason."""

from kefu.console.decorators import AgentRequest
from kefu.console.forms import EscalateForm
from kefu.console.views.conversation_actions import conversation_action
from kefu.conversations.models import Conversation
from kefu.sla.escalation import escalate as escalate_case
from kefu.sla.models import Escalation


def _escalate(request: AgentRequest, conversation: Conversation, form: EscalateForm) -> Escalation:
    return escalate_case(
        conversation=conversation,
        reason=form.cleaned_data["reason"],
        agent=request.agent,
        from_tier=form.cleaned_data["tier"],
    )


escalate = conversation_action(EscalateForm, _escalate)
