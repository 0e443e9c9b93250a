"""The outbound guard as the actions see it: block, record, alert supervisors."""

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation
from kefu.core import audit
from kefu.core.errors import KefuError
from kefu.core.languages import from_django
from kefu.safety.actions import raise_alert
from kefu.safety.guard_explanations import explain
from kefu.safety.models import SafetyAlert
from kefu.safety.outbound_guard import check_outbound
from kefu.safety.redaction import redact


class OutboundBlocked(KefuError):
    code = "outbound_blocked"
    status = 422

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons


def guard_reply(*, conversation: Conversation, agent: Agent, text: str) -> None:
    """Raise OutboundBlocked if `text` asks the customer for a secret or a scam step."""
    _guard(agent=agent, text=text, language=conversation.language, conversation=conversation)


def guard_public_text(*, agent: Agent, text: str, language: str, link: str = "") -> None:
    """The same guard for what an agent writes outside a conversation (an official
    community answer, read by every customer): raise OutboundBlocked, with the alert
    pointing at `link`, a console path, when there is one."""
    _guard(agent=agent, text=text, language=language, conversation=None, link=link)


def _guard(
    *,
    agent: Agent,
    text: str,
    language: str,
    conversation: Conversation | None,
    link: str = "",
) -> None:
    verdict = check_outbound(text, language)
    if not verdict.blocked:
        return
    # Kept as evidence for the supervisor (an insider posing as support is the threat
    # model), after redaction in case the agent pasted a customer's secret.
    with transaction.atomic():
        audit.record(
            agent,
            "safety.outbound_blocked",
            conversation if conversation is not None else agent,
            reasons=list(verdict.reasons),
            text=redact(text, language).text,
        )
        raise_alert(
            kind=SafetyAlert.Kind.OUTBOUND_BLOCKED,
            conversation=conversation,
            reasons=list(verdict.reasons),
            agent=agent,
            blocked_reply=text,
            link=link,
            language=language,
        )
    # The explanation is for the agent, in the agent's language.
    language = from_django(get_language() or "en")
    explanation = " ".join(explain(reason, language) for reason in verdict.reasons)
    raise OutboundBlocked(
        _("This reply was not sent: %(why)s The attempt was reported to supervisors.")
        % {"why": explanation},
        verdict.reasons,
    )
