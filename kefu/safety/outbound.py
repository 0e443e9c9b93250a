"""The outbound guard as the actions see it: block, record, alert supervisors."""

from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation
from kefu.core import audit
from kefu.core.errors import KefuError
from kefu.core.events import SUPERVISORS_GROUP, publish_on_commit
from kefu.safety.outbound_guard import check_outbound, explain
from kefu.safety.redaction import redact


class OutboundBlocked(KefuError):
    code = "outbound_blocked"
    status = 422

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons


def guard_reply(*, conversation: Conversation, agent: Agent, text: str) -> None:
    """Raise OutboundBlocked if `text` asks the customer for a secret or a scam step."""
    verdict = check_outbound(text, conversation.language)
    if not verdict.blocked:
        return
    # Kept as evidence for the supervisor (an insider posing as support is the threat
    # model), after redaction in case the agent pasted a customer's secret.
    audit.record(
        agent,
        "safety.outbound_blocked",
        conversation,
        reasons=list(verdict.reasons),
        text=redact(text, conversation.language).text,
    )
    publish_on_commit(
        [SUPERVISORS_GROUP],
        {
            "kind": "outbound_blocked",
            "conversation_id": conversation.pk,
            "agent_id": agent.pk,
            "reasons": list(verdict.reasons),
        },
    )
    explanation = " ".join(explain(reason) for reason in verdict.reasons)
    raise OutboundBlocked(
        _("This reply was not sent: %(why)s The attempt was reported to supervisors.")
        % {"why": explanation},
        verdict.reasons,
    )
