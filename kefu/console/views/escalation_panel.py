"""What the conversation page shows about tiers: the tier, the escalate button, the history.

Apart from the views (console.views.escalation) so the page's context can use it without
importing the endpoints that render the page.
"""

from typing import Any

from kefu.agents.models import Role
from kefu.console.decorators import AgentRequest
from kefu.conversations.models import Conversation
from kefu.sla.escalation import is_escalable, next_tier
from kefu.sla.selectors import escalations_of


def escalation_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    supervisor = request.agent.has_role(Role.SUPERVISOR)
    return {
        "next_tier": next_tier(conversation) if is_escalable(conversation) else None,
        # Who moved a case up and why is for supervisors to review, not for every agent.
        "escalations": escalations_of(conversation) if supervisor else [],
    }
