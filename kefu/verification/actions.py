"""Every write of a verification case. INTERFACE ONLY in this commit: bodies come next.

Rules every action keeps (docs/architecture.md, "Verification"):
- each step is recorded twice: `audit.record(...)` for the record and a `CaseEvent` for
  the people involved (its code has a sentence in verification/steps.py);
- the conversation is held (conversations.holds) for the case's owner, and its approver
  once there is one, while the case is active; released when it ends;
- connector calls happen outside database transactions, and their errors become
  `CaseRefused` with the text of kefu.platform.errors.describe;
- refusals are `CaseRefused` (a translated message for the person) or PermissionDenied
  (role, requester = approver, case held).
"""

from collections.abc import Mapping
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.platform.connector import AccountStatus
from kefu.verification.models import (
    DocumentKind,
    VerificationCase,
    VerificationCheck,
    VerificationDocument,
)


class CaseRefused(Exception):
    """The step cannot be done now; `str(error)` is for the person, in their language."""


def open_case(*, conversation: Conversation, agent: Agent, kind: str) -> VerificationCase:
    """Open a case of `kind` for the conversation's customer; one active case per kind and
    conversation. Needs a linked platform account. Creates the policy's checks."""
    raise NotImplementedError


def request_change(
    *, case: VerificationCase, contact: Contact, values: Mapping[str, str]
) -> VerificationCase:
    """The customer gives the new value(s) in the portal (new email, phone, name)."""
    raise NotImplementedError


def send_code(
    *, check: VerificationCheck, agent: Agent | None = None, contact: Contact | None = None
) -> VerificationCheck:
    """Have the platform send a code to the registered email/phone of the check's kind.

    Resends are rate-limited (one a minute, policy.max_code_attempts in all)."""
    raise NotImplementedError


def submit_code(*, check: VerificationCheck, contact: Contact, code: str) -> VerificationCheck:
    """The customer types the code in the portal; wrong/expired/too many → CaseRefused."""
    raise NotImplementedError


def submit_answers(
    *, check: VerificationCheck, contact: Contact, answers: Mapping[str, str]
) -> VerificationCheck:
    """The customer answers the knowledge questions; Kefu scores them (knowledge.py)."""
    raise NotImplementedError


def upload_document(
    *, case: VerificationCase, contact: Contact, kind: DocumentKind, upload: UploadedFile
) -> VerificationDocument:
    """Store the document encrypted (documents.py); the check becomes SUBMITTED."""
    raise NotImplementedError


def review_documents(
    *, check: VerificationCheck, agent: Agent, passed: bool, note: str = ""
) -> VerificationCheck:
    """A reviewer of the policy's approver role passes or fails a document/selfie check."""
    raise NotImplementedError


def read_document(*, document: VerificationDocument, agent: Agent) -> bytes:
    """The decrypted file for a reviewer of the policy's approver role; audited."""
    raise NotImplementedError


def refresh_platform_state(
    *, check: VerificationCheck, agent: Agent | None = None
) -> VerificationCheck:
    """Read the account's security state: a user-set lock fails the check."""
    raise NotImplementedError


def propose(*, case: VerificationCase, agent: Agent, note: str) -> VerificationCase:
    """The owner proposes the decision once every required check passed."""
    raise NotImplementedError


def approve(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    """A second agent (not the proposer; policy role or higher; admins not exempt)
    approves: the cool-down starts and the old registered contacts get a cancel link."""
    raise NotImplementedError


def reject(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    raise NotImplementedError


def cancel_by_customer(*, case: VerificationCase, contact: Contact) -> VerificationCase:
    raise NotImplementedError


def cancel_by_agent(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    raise NotImplementedError


def cancel_by_token(*, token: str) -> VerificationCase | None:
    """The cancel link from the old registered email/phone; None for an unknown token."""
    raise NotImplementedError


def execute_due(now: datetime | None = None) -> str:
    """Periodic: carry out approved cases whose cool-down ended, once each."""
    raise NotImplementedError


def sweep_documents(now: datetime | None = None) -> str:
    """Periodic: delete documents past their retention."""
    raise NotImplementedError


def freeze(
    *, conversation: Conversation, agent: Agent, reason: str, note: str, confirmed: bool
) -> AccountStatus:
    """Freeze the customer's account: reason and confirmation required; L1 only on the
    stolen-account intent; shown in the conversation's timeline."""
    raise NotImplementedError
