"""What the conversation page shows about verification cases, holds and freezing.

Apart from the endpoints (console.views.verification) so the page's context can use it
without importing the views that render the page.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from kefu.agents.models import Agent, Role
from kefu.console.decorators import AgentRequest
from kefu.console.forms import FreezeForm, OpenCaseForm
from kefu.conversations import holds
from kefu.conversations.models import Conversation
from kefu.core.intents import Intent
from kefu.platform.selectors import platform_user_id
from kefu.verification import actions, selectors
from kefu.verification.models import (
    CaseEvent,
    CaseKind,
    CaseState,
    CheckKind,
    CheckState,
    VerificationCase,
    VerificationCheck,
    VerificationDocument,
)
from kefu.verification.policy import policy_for

CODE_CHECKS = frozenset(actions.CODE_CHANNELS)
DOCUMENT_CHECKS = frozenset(actions.DOCUMENT_CHECKS.values())


@dataclass(frozen=True)
class CaseRow:
    """One case as the viewing agent may see and act on it."""

    case: VerificationCase
    checks: list[VerificationCheck]
    documents: list[VerificationDocument]
    steps: list[tuple[CaseEvent, str]]
    # The agent holds the policy's approver role: only then are documents shown.
    reviewer: bool
    can_propose: bool
    can_decide: bool
    can_cancel: bool
    portal_link: str


def portal_link(case: VerificationCase) -> str:
    """The customer's page for the case, to paste into the conversation.

    At the public address: the console may be served on an internal host name.
    """
    return f"{settings.SITE_URL}{reverse('portal:identity_case', args=[case.uuid])}"


def _row(request: AgentRequest, case: VerificationCase) -> CaseRow:
    agent = request.agent
    checks = list(case.checks.all())
    is_owner = case.owner_id == agent.pk
    return CaseRow(
        case=case,
        checks=checks,
        documents=[d for d in case.documents.all() if not d.deleted_at],
        steps=selectors.steps(case),
        reviewer=agent.has_role(Role(policy_for(case.kind).approver_role)),
        can_propose=(
            is_owner
            and case.state == CaseState.OPEN
            and all(check.state == CheckState.PASSED for check in checks)
        ),
        can_decide=selectors.can_decide(case, agent),
        can_cancel=case.state in actions.CANCELLABLE
        and (is_owner or agent.has_role(Role.SUPERVISOR)),
        portal_link=portal_link(case) if case.is_active else "",
    )


def held_from(agent: Agent, conversation: Conversation, cases: list[VerificationCase]) -> str:
    """The reference of the case holding the conversation from `agent`, or ""."""
    allowed = holds.holders(conversation)
    if not allowed or agent.pk in allowed:
        return ""
    active = next((case for case in cases if case.is_active), None)
    return active.reference if active else conversation.reference


def asking_about_the_account(rows: list[CaseRow]) -> str:
    """The active case whose questions the sidebar must not answer for the agent, or "".

    The knowledge check asks for the last sign-in region and a recent deposit: an agent
    who could read them beside the case could pass them to whoever claims the account.
    """
    for row in rows:
        if row.case.is_active and any(c.kind == CheckKind.KNOWLEDGE for c in row.checks):
            return row.case.reference
    return ""


def can_freeze(agent: Agent, conversation: Conversation) -> bool:
    # An L1 agent freezes only on a theft report; the action refuses the rest anyway.
    return agent.has_role(Role.L2) or conversation.intent == Intent.ACCOUNT_STOLEN


def verification_context(request: AgentRequest, conversation: Conversation) -> dict[str, Any]:
    cases = list(selectors.cases_of_conversation(conversation))
    rows = [_row(request, case) for case in cases]
    return {
        "conversation": conversation,
        "case_rows": rows,
        "records_hidden_by": asking_about_the_account(rows),
        # One active case per kind: the frozen account's button would only be refused.
        "unfreeze_open": any(c.is_active and c.kind == CaseKind.UNFREEZE for c in cases),
        "can_open_case": bool(platform_user_id(conversation.contact)),
        "open_case_form": OpenCaseForm(),
        "held_by_case": held_from(request.agent, conversation, cases),
        "can_freeze": can_freeze(request.agent, conversation),
        "freeze_form": FreezeForm(),
        "code_checks": CODE_CHECKS,
        "document_checks": DOCUMENT_CHECKS,
    }
