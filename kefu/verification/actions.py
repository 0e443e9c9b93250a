"""Every write of a verification case, and the freeze that needs no case.

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

import hashlib
import logging
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_agent, require_role
from kefu.contacts.models import Contact
from kefu.conversations import holds
from kefu.conversations.actions import add_system_note
from kefu.conversations.models import Conversation
from kefu.core import audit, throttle
from kefu.core.intents import Intent
from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164
from kefu.platform import actions as platform_actions
from kefu.platform import errors
from kefu.platform.connector import (
    AccountStatus,
    ChangeKind,
    ChangeRequest,
    CodeResult,
    ConnectorError,
    ContactChannel,
    ErrorCode,
    Reason,
)
from kefu.platform.registry import connector
from kefu.platform.selectors import platform_user_id
from kefu.verification import documents, knowledge
from kefu.verification.models import (
    ACTIVE_STATES,
    CaseEvent,
    CaseKind,
    CaseState,
    CheckKind,
    CheckState,
    DocumentKind,
    VerificationCase,
    VerificationCheck,
    VerificationDocument,
)
from kefu.verification.policy import policy_for

log = logging.getLogger(__name__)

CODE_CHANNELS = {
    CheckKind.EMAIL_CODE: ContactChannel.EMAIL,
    CheckKind.PHONE_CODE: ContactChannel.PHONE,
}
RESEND_AFTER = timedelta(seconds=60)
# What the customer types: codes and answers, per contact, whatever the case.
CODE_LIMIT = throttle.Limit("verification.code", attempts=10, window_seconds=15 * 60)
ANSWER_LIMIT = throttle.Limit("verification.answers", attempts=6, window_seconds=60 * 60)
# The field each change kind needs from the customer.
CHANGE_FIELDS = {
    CaseKind.CHANGE_EMAIL: "email",
    CaseKind.CHANGE_PHONE: "phone",
    CaseKind.CHANGE_PERSONAL_INFO: "name",
}
NAME_MAX = 200
# Cases that may still be cancelled: nothing was sent to the platform yet.
CANCELLABLE = frozenset({CaseState.OPEN, CaseState.PROPOSED, CaseState.APPROVED})
# An EXECUTING case whose worker died is claimed again after this lease.
EXECUTION_LEASE = timedelta(minutes=10)
MAX_EXECUTION_ATTEMPTS = 8
DOCUMENT_CHECKS = {
    DocumentKind.ID_FRONT: CheckKind.ID_DOCUMENT,
    DocumentKind.ID_BACK: CheckKind.ID_DOCUMENT,
    DocumentKind.SELFIE: CheckKind.SELFIE,
}
FREEZE_REASONS: dict[str, Promise] = {
    "reported_stolen": gettext_lazy("The customer reports the account stolen"),
    "suspicious_activity": gettext_lazy("Suspicious activity on the account"),
    "customer_request": gettext_lazy("At the customer's request"),
}


class CaseRefused(Exception):
    """The step cannot be done now; `str(error)` is for the person, in their language."""


# Recording -------------------------------------------------------------------------------


def _hold_key(case: VerificationCase) -> str:
    return f"verification:{case.reference}"


def _record(
    case: VerificationCase,
    step: str,
    *,
    agent: Agent | None = None,
    contact: Contact | None = None,
    audit_data: Mapping[str, Any] | None = None,
    **params: Any,
) -> None:
    """One step: the event the people read and the audit entry for the record."""
    CaseEvent.objects.create(
        case=case, code=step, params=params, agent=agent, by_customer=contact is not None
    )
    data = {**params, **(audit_data or {})}
    if contact is not None:
        data["contact"] = contact.pk
    audit.record(agent, f"verification.{step}", case, **data)


def _end(case: VerificationCase, state: CaseState, now: datetime) -> None:
    """Close the case: the documents' retention starts and the conversation is free."""
    case.state = state
    case.closed_at = now
    case.save()
    keep = timedelta(days=policy_for(case.kind).document_retention_days)
    case.documents.filter(deleted_at__isnull=True).update(delete_after=now + keep)
    holds.release(case.conversation, _hold_key(case))


def _locked(case: VerificationCase) -> VerificationCase:
    """The case re-read under a row lock (inside a transaction) so a step sees its state."""
    return VerificationCase.objects.select_for_update().get(pk=case.pk)


def _refused(error: ConnectorError) -> CaseRefused:
    log.info("verification: platform refused (%s)", error.code)
    return CaseRefused(errors.describe(error))


# Who may act -----------------------------------------------------------------------------


def _require_contact(case: VerificationCase, contact: Contact) -> None:
    if case.contact_id != contact.pk:
        raise PermissionDenied(_("This is not your verification."))


def _require_open(case: VerificationCase) -> None:
    if case.state != CaseState.OPEN:
        raise CaseRefused(
            _("%(case)s is no longer gathering checks (%(state)s).")
            % {"case": case.reference, "state": CaseState(case.state).label}
        )


def _require_owner(case: VerificationCase, agent: Agent) -> None:
    require_agent(agent)
    if case.owner_id != agent.pk:
        raise PermissionDenied(
            _("Only the agent who opened %(case)s may do this.") % {"case": case.reference}
        )
    holds.require_free(case.conversation, agent)


def decider_refusal(case: VerificationCase, agent: Agent) -> str:
    """Why `agent` may not approve or reject the case; "" when they may."""
    if not agent.is_active:
        return _("This account is disabled.")
    if agent.pk in (case.owner_id, case.proposed_by_id):
        return _("A second agent must decide: not the one who opened or proposed %(case)s.") % {
            "case": case.reference
        }
    role = policy_for(case.kind).approver_role
    if not agent.has_role(Role(role)):
        return _("This needs the %(role)s role or higher.") % {"role": Role(role).label}
    return ""


def _require_decider(case: VerificationCase, agent: Agent) -> None:
    refusal = decider_refusal(case, agent)
    if refusal:
        raise PermissionDenied(refusal)


def _require_proposed(case: VerificationCase) -> None:
    if case.state != CaseState.PROPOSED:
        raise CaseRefused(_("%(case)s is not awaiting a decision.") % {"case": case.reference})


def _require_text(text: str, message: str) -> str:
    if not text.strip():
        raise CaseRefused(message)
    return text.strip()


def _require_no_user_lock(case: VerificationCase) -> None:
    """The customer's own security lock stops every change; support cannot shorten it."""
    try:
        state = connector().security_state(case.platform_user_id)
    except ConnectorError as error:
        raise _refused(error) from error
    until = state.user_lock_until
    if until is not None and until > timezone.now():
        raise CaseRefused(
            errors.describe_code(ErrorCode.USER_LOCK_ACTIVE, {"until": until.isoformat()})
        )


# Opening and the customer's request ------------------------------------------------------


def open_case(*, conversation: Conversation, agent: Agent, kind: str) -> VerificationCase:
    """Open a case of `kind` for the conversation's customer; one active case per kind and
    conversation. Needs a linked platform account. Creates the policy's checks."""
    require_agent(agent)
    holds.require_free(conversation, agent)
    if kind not in CaseKind.values:
        raise CaseRefused(_("There is no verification of this kind."))
    user_id = platform_user_id(conversation.contact)
    if not user_id:
        raise CaseRefused(
            _("Link the customer's platform account first: a verification is about an account.")
        )
    policy = policy_for(kind)
    with transaction.atomic():
        # Locked so that two agents opening at once do not make two cases.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        if VerificationCase.objects.filter(
            conversation=conversation, kind=kind, state__in=ACTIVE_STATES
        ).exists():
            raise CaseRefused(
                _("This conversation already has an active case of this kind: %(kind)s.")
                % {"kind": CaseKind(kind).label}
            )
        case = VerificationCase.objects.create(
            conversation=conversation,
            contact=conversation.contact,
            kind=kind,
            platform_user_id=user_id,
            owner=agent,
        )
        VerificationCheck.objects.bulk_create(
            [VerificationCheck(case=case, kind=check) for check in policy.required_checks]
        )
        holds.hold(conversation, [agent], key=_hold_key(case))
        _record(case, "opened", agent=agent, kind=kind)
    return case


def _validated(kind: str, value: str) -> str:
    field = CHANGE_FIELDS[CaseKind(kind)]
    if field == "email":
        try:
            validate_email(value)
        except ValidationError as error:
            raise CaseRefused(
                _("“%(value)s” is not an email address.") % {"value": value[:80]}
            ) from error
        return value.lower()
    if field == "phone":
        try:
            return to_e164(value)
        except InvalidPhoneNumber as error:
            raise CaseRefused(str(error)) from error
    if len(value) > NAME_MAX:
        raise CaseRefused(_("The name is too long."))
    return value


def request_change(
    *, case: VerificationCase, contact: Contact, values: Mapping[str, str]
) -> VerificationCase:
    """The customer gives the new value(s) in the portal (new email, phone, name)."""
    _require_contact(case, contact)
    if case.kind not in CHANGE_FIELDS:
        raise CaseRefused(_("This verification does not change a value."))
    field = CHANGE_FIELDS[CaseKind(case.kind)]
    value = _require_text(str(values.get(field, "")), _("Fill in the new value."))
    value = _validated(case.kind, value)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        case.requested_change = {field: value}
        case.save(update_fields=["requested_change"])
        _record(case, "change_requested", contact=contact, audit_data={"field": field})
    return case


# Codes -----------------------------------------------------------------------------------


def _actor(case: VerificationCase, agent: Agent | None, contact: Contact | None) -> None:
    if agent is not None:
        require_agent(agent)
        holds.require_free(case.conversation, agent)
    elif contact is not None:
        _require_contact(case, contact)
    else:
        raise PermissionDenied(_("An agent or the customer must ask for this."))


def _sends(check: VerificationCheck) -> int:
    return CaseEvent.objects.filter(
        case=check.case_id, code="code_sent", params__check=check.kind
    ).count()


def send_code(
    *, check: VerificationCheck, agent: Agent | None = None, contact: Contact | None = None
) -> VerificationCheck:
    """Have the platform send a code to the registered email/phone of the check's kind.

    Resends are rate-limited (one a minute, policy.max_code_attempts in all)."""
    case = check.case
    _actor(case, agent, contact)
    channel = CODE_CHANNELS.get(CheckKind(check.kind))
    if channel is None:
        raise CaseRefused(_("This check is not done with a code."))
    _require_open(case)
    if check.state != CheckState.PENDING:
        raise CaseRefused(_("This check is already done."))
    now = timezone.now()
    if check.last_sent_at is not None and now < check.last_sent_at + RESEND_AFTER:
        wait = int((check.last_sent_at + RESEND_AFTER - now).total_seconds()) + 1
        raise CaseRefused(
            _("A code was just sent. Ask again in %(seconds)s seconds.") % {"seconds": wait}
        )
    sends = _sends(check)
    if sends >= policy_for(case.kind).max_code_attempts:
        raise CaseRefused(
            _("No more codes can be sent for this check. Ask support to start a new verification.")
        )
    # Claimed before the call, so two clicks at once send one code.
    previous = check.last_sent_at
    if not VerificationCheck.objects.filter(pk=check.pk, last_sent_at=previous).update(
        last_sent_at=now
    ):
        raise CaseRefused(
            _("A code was just sent. Ask again in %(seconds)s seconds.") % {"seconds": 60}
        )
    try:
        challenge = connector().send_code(
            case.platform_user_id,
            channel,
            purpose=f"verification:{case.kind}",
            idempotency_key=f"{case.idempotency_key}-{check.kind}-{sends + 1}",
        )
    except ConnectorError as error:
        VerificationCheck.objects.filter(pk=check.pk).update(last_sent_at=previous)
        raise _refused(error) from error
    with transaction.atomic():
        check.challenge_id = challenge.challenge_id
        check.destination_hint = challenge.destination_hint
        check.challenge_expires_at = challenge.expires_at
        check.last_sent_at = now
        check.save(
            update_fields=[
                "challenge_id",
                "destination_hint",
                "challenge_expires_at",
                "last_sent_at",
            ]
        )
        _record(
            case,
            "code_sent",
            agent=agent,
            contact=contact,
            check=check.kind,
            hint=challenge.destination_hint,
        )
    return check


def _reserve(limit: throttle.Limit, contact: Contact) -> None:
    try:
        allowed = throttle.reserve(limit, str(contact.pk))
    except throttle.CounterUnavailable:
        allowed = False
    if not allowed:
        raise CaseRefused(_("Too many tries. Wait a few minutes and try again."))


def _typed(code: str) -> str:
    """What the customer meant: full-width digits made ASCII, spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", code))


def _fail_check(check: VerificationCheck, now: datetime, **result: Any) -> None:
    check.state = CheckState.FAILED
    check.completed_at = now
    check.result = {**check.result, **result}


def _pass_check(check: VerificationCheck, now: datetime, agent: Agent | None = None) -> None:
    check.state = CheckState.PASSED
    check.completed_at = now
    check.recorded_by = agent


def submit_code(*, check: VerificationCheck, contact: Contact, code: str) -> VerificationCheck:
    """The customer types the code in the portal; wrong/expired/too many → CaseRefused."""
    case = check.case
    _require_contact(case, contact)
    if check.kind not in CODE_CHANNELS:
        raise CaseRefused(_("This check is not done with a code."))
    _require_open(case)
    if check.state != CheckState.PENDING:
        raise CaseRefused(_("This check is already done."))
    if not check.challenge_id:
        raise CaseRefused(_("Ask for a code first."))
    _reserve(CODE_LIMIT, contact)
    try:
        outcome = connector().check_code(case.platform_user_id, check.challenge_id, _typed(code))
    except ConnectorError as error:
        raise _refused(error) from error
    refusal = _apply_code(check, contact, outcome)
    if refusal:
        raise CaseRefused(refusal)
    return check


def _apply_code(check: VerificationCheck, contact: Contact, outcome: CodeResult) -> str:
    """Store the outcome of a typed code; the refusal to show, "" when it was right."""
    now = timezone.now()
    maximum = policy_for(check.case.kind).max_code_attempts
    refusal = ""
    with transaction.atomic():
        check = VerificationCheck.objects.select_for_update().get(pk=check.pk)
        if check.state != CheckState.PENDING:
            # Another submission settled it meanwhile; its outcome stands.
            return _("This check is already done.")
        if outcome == CodeResult.VALID:
            _pass_check(check, now)
            code = "check_passed"
        elif outcome == CodeResult.EXPIRED:
            code, refusal = "code_expired", _("This code has expired. Ask for a new one.")
        else:
            check.attempts += 1
            left = maximum - check.attempts
            if outcome == CodeResult.EXHAUSTED or left <= 0:
                _fail_check(check, now)
                code = "check_failed"
                refusal = _(
                    "Too many wrong codes. This verification cannot continue; support will "
                    "start a new one."
                )
            else:
                code = "code_wrong"
                refusal = _("Wrong code. %(left)s tries left.") % {"left": left}
        check.save()
        params: dict[str, Any] = {"left": maximum - check.attempts} if code == "code_wrong" else {}
        _record(check.case, code, contact=contact, check=check.kind, **params)
    return refusal


# Knowledge questions ---------------------------------------------------------------------


def submit_answers(
    *, check: VerificationCheck, contact: Contact, answers: Mapping[str, str]
) -> VerificationCheck:
    """The customer answers the knowledge questions; Kefu scores them (knowledge.py)."""
    case = check.case
    _require_contact(case, contact)
    if check.kind != CheckKind.KNOWLEDGE:
        raise CaseRefused(_("This check has no questions."))
    _require_open(case)
    if check.state != CheckState.PENDING:
        raise CaseRefused(_("This check is already done."))
    _reserve(ANSWER_LIMIT, contact)
    try:
        records = connector().account_records(case.platform_user_id)
    except ConnectorError as error:
        raise _refused(error) from error
    score = knowledge.score(records, answers)
    maximum = policy_for(case.kind).max_knowledge_attempts
    now = timezone.now()
    with transaction.atomic():
        check = VerificationCheck.objects.select_for_update().get(pk=check.pk)
        if check.state != CheckState.PENDING:
            raise CaseRefused(_("This check is already done."))
        check.attempts += 1
        # Only the count: an expected answer is never stored.
        check.result = {"correct": score.correct, "asked": score.asked}
        if score.passed:
            _pass_check(check, now)
        elif check.attempts >= maximum:
            _fail_check(check, now)
        check.save()
        _record(case, "answers_scored", contact=contact, correct=score.correct, asked=score.asked)
        if check.state != CheckState.PENDING:
            done = "check_passed" if score.passed else "check_failed"
            _record(case, done, contact=contact, check=check.kind)
    if score.passed:
        return check
    if check.state == CheckState.FAILED:
        raise CaseRefused(
            _("Not enough right answers, and no tries are left. Support will be in touch.")
        )
    raise CaseRefused(
        _("Not enough right answers. %(left)s tries left.") % {"left": maximum - check.attempts}
    )


# Documents -------------------------------------------------------------------------------


def upload_document(
    *, case: VerificationCase, contact: Contact, kind: DocumentKind, upload: UploadedFile
) -> VerificationDocument:
    """Store the document encrypted (documents.py); the check becomes SUBMITTED."""
    _require_contact(case, contact)
    _require_open(case)
    check = case.checks.filter(kind=DOCUMENT_CHECKS[DocumentKind(kind)]).first()
    if check is None:
        raise CaseRefused(_("This verification does not need this document."))
    if check.state in (CheckState.PASSED, CheckState.FAILED):
        raise CaseRefused(_("This check is already done."))
    try:
        stored = documents.store(upload)
    except documents.DocumentRefused as error:
        raise CaseRefused(str(error)) from error
    try:
        with transaction.atomic():
            document = VerificationDocument.objects.create(
                case=case,
                kind=kind,
                stored_name=stored.name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
            )
            check.state = CheckState.SUBMITTED
            check.save(update_fields=["state"])
            _record(
                case,
                "document_uploaded",
                contact=contact,
                document=kind,
                audit_data={"size": stored.size},
            )
    except Exception:
        # A file without its row would never be swept: remove it with the failed step.
        documents.delete(stored.name)
        raise
    return document


def _require_reviewer(case: VerificationCase, agent: Agent) -> None:
    require_role(agent, Role(policy_for(case.kind).approver_role))


def review_documents(
    *, check: VerificationCheck, agent: Agent, passed: bool, note: str = ""
) -> VerificationCheck:
    """A reviewer of the policy's approver role passes or fails a document/selfie check."""
    case = check.case
    _require_reviewer(case, agent)
    if check.kind not in (CheckKind.ID_DOCUMENT, CheckKind.SELFIE):
        raise CaseRefused(_("This check is not a document."))
    _require_open(case)
    if check.state != CheckState.SUBMITTED:
        raise CaseRefused(_("There is no document to review for this check."))
    now = timezone.now()
    with transaction.atomic():
        if passed:
            _pass_check(check, now, agent)
        else:
            _fail_check(check, now)
            check.recorded_by = agent
        check.save()
        code = "check_passed" if passed else "check_failed"
        _record(case, code, agent=agent, check=check.kind, audit_data={"note": note})
    return check


def read_document(*, document: VerificationDocument, agent: Agent) -> bytes:
    """The decrypted file for a reviewer of the policy's approver role; audited."""
    _require_reviewer(document.case, agent)
    if not document.stored_name:
        raise CaseRefused(_("This document was deleted after its retention period."))
    content = documents.read(document.stored_name)
    audit.record(
        agent,
        "verification.document_viewed",
        document.case,
        document=document.pk,
        kind=document.kind,
    )
    CaseEvent.objects.create(
        case=document.case, code="document_viewed", params={"document": document.kind}, agent=agent
    )
    return content


# Platform state --------------------------------------------------------------------------


def refresh_platform_state(
    *, check: VerificationCheck, agent: Agent | None = None
) -> VerificationCheck:
    """Read the account's security state: a user-set lock fails the check."""
    case = check.case
    if agent is not None:
        require_agent(agent)
    if check.kind != CheckKind.PLATFORM_STATE:
        raise CaseRefused(_("This check is not the account's security state."))
    _require_open(case)
    try:
        state = connector().security_state(case.platform_user_id)
    except ConnectorError as error:
        raise _refused(error) from error
    now = timezone.now()
    with transaction.atomic():
        until = state.user_lock_until
        if until is not None and until > now:
            check.result = {"locked_until": until.isoformat()}
            _fail_check(check, now)
            check.recorded_by = agent
            check.save()
            _record(case, "account_locked", agent=agent, until=until.isoformat())
        else:
            changed = state.last_security_change_at
            check.result = {"last_security_change_at": changed.isoformat() if changed else ""}
            _pass_check(check, now, agent)
            check.save()
            _record(case, "check_passed", agent=agent, check=check.kind)
    return check


# Decision --------------------------------------------------------------------------------


def propose(*, case: VerificationCase, agent: Agent, note: str) -> VerificationCase:
    """The owner proposes the decision once every required check passed."""
    _require_owner(case, agent)
    note = _require_text(note, _("Write a note for the approver."))
    _require_open(case)
    missing = [
        str(CheckKind(check.kind).label) for check in case.checks.exclude(state=CheckState.PASSED)
    ]
    if missing:
        raise CaseRefused(
            _("These checks have not passed yet: %(checks)s.") % {"checks": ", ".join(missing)}
        )
    _require_no_user_lock(case)
    with transaction.atomic():
        case = _locked(case)
        _require_open(case)
        if case.kind in CHANGE_FIELDS and not case.requested_change:
            raise CaseRefused(_("The customer has not given the new value yet."))
        case.state = CaseState.PROPOSED
        case.proposed_by = agent
        case.proposed_at = timezone.now()
        case.proposal_note = note
        case.save()
        _record(case, "proposed", agent=agent, audit_data={"note": note})
    return case


def approve(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    """A second agent (not the proposer; policy role or higher; admins not exempt)
    approves: the cool-down starts and the old registered contacts get a cancel link."""
    _require_decider(case, agent)
    reason = _require_text(reason, _("Give the reason for the decision."))
    _require_no_user_lock(case)
    policy = policy_for(case.kind)
    with transaction.atomic():
        case = _locked(case)
        _require_decider(case, agent)
        _require_proposed(case)
        now = timezone.now()
        case.state = CaseState.APPROVED
        case.decided_by = agent
        case.decided_at = now
        case.decision_reason = reason
        case.executes_at = now + timedelta(hours=policy.cool_down_hours)
        case.save()
        holds.hold(case.conversation, [agent], key=_hold_key(case))
        _record(
            case,
            "approved",
            agent=agent,
            executes_at=case.executes_at.isoformat(),
            audit_data={"reason": reason},
        )
    _notify(case)
    case.refresh_from_db()
    return case


def _cancel_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('portal:verification_cancel', args=[token])}"


def _notify(case: VerificationCase, *, reschedule: bool = False) -> bool:
    """Tell the registered contacts of the pending change, with a fresh cancel link.

    True when at least one was told; the cool-down then counts from now if `reschedule`.
    """
    token = secrets.token_urlsafe(32)
    VerificationCase.objects.filter(pk=case.pk).update(
        cancel_token_hash=hashlib.sha256(token.encode()).hexdigest()
    )
    params = {"case": case.reference, "kind": case.kind, "cancel_url": _cancel_url(token)}
    told: list[str] = []
    for channel in (ContactChannel.EMAIL, ContactChannel.PHONE):
        try:
            connector().notify(
                case.platform_user_id, channel, template="change_pending", params=params,
                idempotency_key=f"{case.idempotency_key}-notice-{channel}",
            )  # fmt: skip
        except ConnectorError as error:
            if error.code != ErrorCode.NO_REGISTERED_CONTACT:
                log.warning(
                    "verification %s: notice by %s failed (%s)", case.reference, channel, error.code
                )
            continue
        told.append(channel)
    if not told:
        return False
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        case.notified_at = now
        if reschedule:
            case.executes_at = now + timedelta(hours=policy_for(case.kind).cool_down_hours)
        case.save(update_fields=["notified_at", "executes_at"])
        _record(case, "notified", audit_data={"channels": told})
    return True


def reject(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    _require_decider(case, agent)
    reason = _require_text(reason, _("Give the reason for the decision."))
    with transaction.atomic():
        case = _locked(case)
        _require_decider(case, agent)
        _require_proposed(case)
        now = timezone.now()
        case.decided_by = agent
        case.decided_at = now
        case.decision_reason = reason
        _end(case, CaseState.REJECTED, now)
        _record(case, "rejected", agent=agent, audit_data={"reason": reason})
    return case


def _cancel(case: VerificationCase, code: str, **who: Any) -> VerificationCase:
    with transaction.atomic():
        case = _locked(case)
        if case.state not in CANCELLABLE:
            raise CaseRefused(
                _("%(case)s can no longer be cancelled (%(state)s).")
                % {"case": case.reference, "state": CaseState(case.state).label}
            )
        _end(case, CaseState.CANCELLED, timezone.now())
        _record(case, code, **who)
    return case


def cancel_by_customer(*, case: VerificationCase, contact: Contact) -> VerificationCase:
    _require_contact(case, contact)
    return _cancel(case, "cancelled_by_customer", contact=contact)


def cancel_by_agent(*, case: VerificationCase, agent: Agent, reason: str) -> VerificationCase:
    require_agent(agent)
    if case.owner_id != agent.pk and not agent.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only the case's owner or a supervisor may cancel it."))
    reason = _require_text(reason, _("Give the reason for cancelling."))
    return _cancel(case, "cancelled_by_agent", agent=agent, audit_data={"reason": reason})


def cancel_by_token(*, token: str) -> VerificationCase | None:
    """The cancel link from the old registered email/phone; None for an unknown token."""
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    case = VerificationCase.objects.filter(cancel_token_hash=digest).first()
    if case is None:
        return None
    if case.state not in CANCELLABLE:
        return case
    case = _cancel(case, "cancelled_by_token")
    add_system_note(
        conversation=case.conversation,
        text=_("%(case)s (%(kind)s) was cancelled from the customer's registered contact.")
        % {"case": case.reference, "kind": CaseKind(case.kind).label},
    )
    return case


# Execution -------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def _carry_out(case: VerificationCase) -> datetime | None:
    """Have the platform make the change; when withdrawals are held until, if they are."""
    platform = connector()
    if case.kind == CaseKind.UNFREEZE:
        platform.unfreeze_account(
            case.platform_user_id, Reason("verification_case", {"case": case.reference}),
            case.idempotency_key,
        )  # fmt: skip
        return platform.security_state(case.platform_user_id).withdrawals_locked_until
    change = ChangeRequest(ChangeKind(case.kind), dict(case.requested_change), case.reference)
    return platform.execute_change(
        case.platform_user_id, change, case.idempotency_key
    ).withdrawals_locked_until


def _execute(case: VerificationCase) -> str:
    """Carry out one claimed case; "executed", "retry" or "failed"."""
    try:
        held_until = _carry_out(case)
    except ConnectorError as error:
        return _execution_failed(case, error)
    with transaction.atomic():
        case = _locked(case)
        case.executed_at = timezone.now()
        case.withdrawals_locked_until = held_until
        _end(case, CaseState.EXECUTED, case.executed_at)
        if held_until is not None:
            _record(case, "executed", withdrawals_until=held_until.isoformat())
        else:
            _record(case, "executed_no_hold")
    add_system_note(
        conversation=case.conversation,
        text=_("%(case)s: the platform carried out the change (%(kind)s).")
        % {"case": case.reference, "kind": CaseKind(case.kind).label},
    )
    return "executed"


def _execution_failed(case: VerificationCase, error: ConnectorError) -> str:
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case)
        case.execution_attempts += 1
        if error.transient and case.execution_attempts < MAX_EXECUTION_ATTEMPTS:
            case.state = CaseState.APPROVED
            case.executes_at = now + _backoff(case.execution_attempts)
            case.save()
            _record(
                case,
                "execution_retry",
                at=case.executes_at.isoformat(),
                audit_data={"error": error.code},
            )
            return "retry"
        case.failure_code = str(error.code)
        case.failure_params = dict(error.params)
        _end(case, CaseState.FAILED, now)
        _record(case, "failed", code=str(error.code), params=dict(error.params))
    return "failed"


def execute_due(now: datetime | None = None) -> str:
    """Periodic: carry out approved cases whose cool-down ended, once each."""
    now = now or timezone.now()
    outcomes: dict[str, int] = {}
    due = VerificationCase.objects.filter(
        state__in=(CaseState.APPROVED, CaseState.EXECUTING), executes_at__lte=now
    ).order_by("executes_at")
    for case in due:
        if case.notified_at is None:
            outcome = "notified" if _notify(case, reschedule=True) else "unnotified"
        elif _claim(case, now):
            outcome = _execute(case)
        else:
            continue
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()))


def _claim(case: VerificationCase, now: datetime) -> bool:
    """Take the case for this run; another worker's claim (or a live lease) wins."""
    return bool(
        VerificationCase.objects.filter(
            pk=case.pk, state=case.state, executes_at=case.executes_at, notified_at__isnull=False
        ).update(state=CaseState.EXECUTING, executes_at=now + EXECUTION_LEASE)
    )


def sweep_documents(now: datetime | None = None) -> str:
    """Periodic: delete documents past their retention."""
    now = now or timezone.now()
    due = VerificationDocument.objects.filter(delete_after__lte=now, deleted_at__isnull=True)
    entries = []
    for document in due:
        if document.stored_name:
            documents.delete(document.stored_name)
        VerificationDocument.objects.filter(pk=document.pk).update(stored_name="", deleted_at=now)
        entries.append(
            audit.entry(None, "verification.document_deleted", document.case, document=document.pk)
        )
    audit.record_many(entries)
    return f"deleted {len(entries)}" if entries else ""


# Freeze ----------------------------------------------------------------------------------


def freeze(
    *, conversation: Conversation, agent: Agent, reason: str, note: str, confirmed: bool
) -> AccountStatus:
    """Freeze the customer's account: reason and confirmation required; L1 only on the
    stolen-account intent; shown in the conversation's timeline."""
    require_agent(agent)
    if conversation.intent != Intent.ACCOUNT_STOLEN:
        require_role(agent, Role.L2)
    holds.require_free(conversation, agent)
    if reason not in FREEZE_REASONS:
        raise CaseRefused(_("Choose why the account is frozen."))
    note = _require_text(note, _("Write a note on why the account is frozen."))
    if not confirmed:
        raise CaseRefused(_("Confirm the freeze: the customer will not be able to move funds."))
    try:
        status = platform_actions.freeze_account(
            contact=conversation.contact,
            reason=Reason(
                "frozen_by_agent",
                {"agent": agent.public_id, "conversation": conversation.reference},
            ),
            actor=agent,
        )
    except ConnectorError as error:
        raise _refused(error) from error
    if status is None:
        raise CaseRefused(
            _("Link the customer's platform account first: there is no account to freeze.")
        )
    add_system_note(
        conversation=conversation,
        text=_("Account frozen by %(agent)s: %(reason)s — %(note)s")
        % {
            "agent": agent.display_name or agent.username,
            "reason": FREEZE_REASONS[reason],
            "note": note,
        },
    )
    audit.record(agent, "verification.freeze", conversation, reason=reason, note=note)
    return status
