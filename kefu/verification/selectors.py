"""What the console, portal and API read about cases. INTERFACE ONLY in this commit."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.verification.models import CaseEvent, VerificationCase


@dataclass(frozen=True)
class Question:
    """A knowledge question as the customer sees it; never with its expected answer."""

    name: str  # "registered_name", "last_login_region", "recent_deposit"
    label: str  # translated
    help_text: str = ""


def cases_of_conversation(conversation: Conversation) -> QuerySet[VerificationCase]:
    raise NotImplementedError


def cases_of_contact(contact: Contact) -> QuerySet[VerificationCase]:
    raise NotImplementedError


def contact_case(contact: Contact, case_uuid: UUID) -> VerificationCase | None:
    """The contact's own case by its public id; None for someone else's."""
    raise NotImplementedError


def review_queue(agent: Agent) -> QuerySet[VerificationCase]:
    """Proposed cases this agent may decide (role high enough, not their own proposal)."""
    raise NotImplementedError


def questions(case: VerificationCase) -> list[Question]:
    raise NotImplementedError


def can_decide(case: VerificationCase, agent: Agent) -> bool:
    raise NotImplementedError


def steps(case: VerificationCase) -> list[tuple[CaseEvent, str]]:
    """Each step with its sentence in the active language (verification/steps.py)."""
    raise NotImplementedError
