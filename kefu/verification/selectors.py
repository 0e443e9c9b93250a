"""What the console, portal and API read about cases."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kefu.agents.models import ROLE_RANK, Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.verification import knowledge
from kefu.verification import steps as step_texts
from kefu.verification.actions import decider_refusal
from kefu.verification.models import CaseEvent, CaseState, CheckKind, VerificationCase
from kefu.verification.policy import all_policies


@dataclass(frozen=True)
class Question:
    """A knowledge question as the customer sees it; never with its expected answer."""

    name: str  # "registered_name", "last_login_region", "recent_deposit"
    label: str  # translated
    help_text: str = ""


def cases_of_conversation(conversation: Conversation) -> QuerySet[VerificationCase]:
    return VerificationCase.objects.filter(conversation=conversation).prefetch_related("checks")


def cases_of_contact(contact: Contact) -> QuerySet[VerificationCase]:
    return VerificationCase.objects.filter(contact=contact).prefetch_related("checks")


def contact_case(contact: Contact, case_uuid: UUID) -> VerificationCase | None:
    """The contact's own case by its public id; None for someone else's."""
    return VerificationCase.objects.filter(contact=contact, uuid=case_uuid).first()


def _kinds_decided_by(agent: Agent) -> list[str]:
    rank = ROLE_RANK[Role(agent.role)]
    return [
        kind
        for kind, policy in all_policies().items()
        if ROLE_RANK[Role(policy.approver_role)] <= rank
    ]


def review_queue(agent: Agent) -> QuerySet[VerificationCase]:
    """Proposed cases this agent may decide (role high enough, not their own proposal)."""
    if not agent.is_active:
        return VerificationCase.objects.none()
    return (
        VerificationCase.objects.filter(state=CaseState.PROPOSED, kind__in=_kinds_decided_by(agent))
        .exclude(owner=agent)
        .exclude(proposed_by=agent)
        .order_by("proposed_at", "id")
    )


def questions(case: VerificationCase) -> list[Question]:
    labels = {
        "registered_name": (_("Your full name as registered on the account"), ""),
        "last_login_region": (
            _("The city you last signed in from"),
            _("For example: Shanghai"),
        ),
        "recent_deposit": (
            _("The amount of one of your recent deposits"),
            _("For example: 1,250.00 USDT"),
        ),
    }
    if not case.checks.filter(kind=CheckKind.KNOWLEDGE).exists():
        return []
    return [Question(name, *labels[name]) for name in knowledge.QUESTIONS]


def can_decide(case: VerificationCase, agent: Agent) -> bool:
    return case.state == CaseState.PROPOSED and not decider_refusal(case, agent)


def steps(case: VerificationCase) -> list[tuple[CaseEvent, str]]:
    """Each step with its sentence in the active language (verification/steps.py)."""
    return [(event, step_texts.sentence(event)) for event in case.events.all()]
