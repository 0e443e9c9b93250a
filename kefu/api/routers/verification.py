"""/api/v1: identity verification cases, worked by the token's agent.

The same rules as in the console, because the same actions decide: the requester never
approves their own case (administrators included), the approver needs the policy's role,
and a held conversation is only for its case's owner and approver. Refusals are
PermissionDenied (403) or CaseRefused (409), which kefu.api.errors words in the
request's language. Documents are not served here: reviewers read them in the console.
"""

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from kefu.agents.models import Agent
from kefu.api.auth import acting_agent
from kefu.api.verification_schemas import (
    CaseOpenIn,
    CaseOut,
    CheckOut,
    DecisionIn,
    FreezeIn,
    FrozenOut,
    ProposeIn,
)
from kefu.conversations import selectors as conversation_selectors
from kefu.conversations.models import Conversation
from kefu.core.api_schemas import error_responses
from kefu.core.errors import NotFound
from kefu.verification import actions, selectors
from kefu.verification.models import CheckKind, VerificationCase, VerificationCheck

router = Router(tags=["verification cases"])

_READ_ERRORS = error_responses(401, 404, 422)
# 400: a body that is not JSON; 409: a CaseRefused (the case's state, the platform's answer).
_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)

NO_DOCUMENTS = (
    " Identity documents and selfies are never served by the API: reviewers see them in "
    "the console only."
)
REFUSALS = (
    " 403 `forbidden` when the token's agent may not do this (role, own proposal, a "
    "conversation held for another case); 409 `case_refused` when the case or the platform "
    "does not allow it now, with the reason in `message`."
)

Payload = TypeVar("Payload", bound=Schema)


def _conversation(request: HttpRequest, reference: str) -> Conversation:
    return conversation_selectors.conversation_for_agent(acting_agent(request), reference)


def _with_details(cases: QuerySet[VerificationCase]) -> QuerySet[VerificationCase]:
    # CaseOut reads the conversation, the three agents, the checks and the steps.
    return cases.select_related(
        "conversation", "owner", "proposed_by", "decided_by"
    ).prefetch_related("checks", "events")


def _case(request: HttpRequest, case_uuid: UUID) -> VerificationCase:
    """The case by its public id, as visible as its conversation is to the token's agent."""
    case = _with_details(VerificationCase.objects.filter(uuid=case_uuid)).first()
    if case is None:
        raise NotFound(_("Verification case %(uuid)s was not found.") % {"uuid": case_uuid})
    _conversation(request, case.conversation.reference)
    return case


def _check(case: VerificationCase, kind: CheckKind) -> VerificationCheck:
    check = next((check for check in case.checks.all() if check.kind == kind), None)
    if check is None:
        raise NotFound(_("Case %(case)s has no check of this kind.") % {"case": case.reference})
    return check


def _fresh(case: VerificationCase) -> CaseOut:
    """The case as stored after an action (its state, checks and steps changed)."""
    return CaseOut.of(_with_details(VerificationCase.objects.filter(pk=case.pk)).get())


@router.get(
    "/conversations/{reference}/verification-cases",
    response={200: list[CaseOut], **_READ_ERRORS},
    summary="List a conversation's verification cases",
    description=(
        "Newest first, each with its checks, its steps (in the request's language) and, once "
        "approved, when the change is carried out (`executes_at`). A check's `result` holds "
        "only what a reviewer may see: for the questions about the account, how many answers "
        "were right (`correct` of `asked`), never the answers or the expected values."
        + NO_DOCUMENTS
    ),
)
def list_verification_cases(request: HttpRequest, reference: str) -> list[CaseOut]:
    cases = _with_details(selectors.cases_of_conversation(_conversation(request, reference)))
    return [CaseOut.of(case) for case in cases]


@router.post(
    "/conversations/{reference}/verification-cases",
    response={201: CaseOut, **_WRITE_ERRORS},
    summary="Open a verification case",
    description=(
        "Opens a case of `kind` for the conversation's customer, with the checks its policy "
        "requires; the token's agent owns it, and the conversation is held for the case's "
        "owner (and later its approver) until it ends. 409 when the customer has no linked "
        "platform account or the conversation already has an active case of this kind."
        + REFUSALS
        + NO_DOCUMENTS
    ),
)
def open_verification_case(
    request: HttpRequest, reference: str, payload: CaseOpenIn
) -> Status[CaseOut]:
    case = actions.open_case(
        conversation=_conversation(request, reference),
        agent=acting_agent(request),
        kind=payload.kind,
    )
    return Status(201, _fresh(case))


@router.post(
    "/verification-cases/{case_uuid}/checks/{kind}/send-code",
    response={200: CheckOut, **_WRITE_ERRORS},
    summary="Have the platform send a code to the registered email or phone",
    description=(
        "For an `email_code` or `phone_code` check: the platform sends a code to the "
        "customer's *registered* contact (never one given in the conversation); the customer "
        "types it in the portal. Kefu never sees the code. Resends are limited (one a minute, "
        "the policy's number in all): more is a 409. 404 when the case has no check of "
        "this kind." + REFUSALS
    ),
)
def send_verification_code(request: HttpRequest, case_uuid: UUID, kind: CheckKind) -> CheckOut:
    check = _check(_case(request, case_uuid), kind)
    return CheckOut.of(actions.send_code(check=check, agent=acting_agent(request)))


@router.post(
    "/verification-cases/{case_uuid}/checks/platform_state/refresh",
    response={200: CheckOut, **_WRITE_ERRORS},
    summary="Read the account's security state from the platform",
    description=(
        "The `platform_state` check: it passes unless the customer locked their account's "
        "security settings themselves (then it fails with `locked_until`: support cannot "
        "shorten that lock). 404 when the case has no such check." + REFUSALS
    ),
)
def refresh_platform_state(request: HttpRequest, case_uuid: UUID) -> CheckOut:
    check = _check(_case(request, case_uuid), CheckKind.PLATFORM_STATE)
    return CheckOut.of(actions.refresh_platform_state(check=check, agent=acting_agent(request)))


def _case_step(
    path: str,
    schema: type[Payload],
    step: Callable[[VerificationCase, Agent, Payload], VerificationCase],
    *,
    name: str,
    summary: str,
    description: str,
) -> None:
    """Register `POST /verification-cases/{case_uuid}/<path>`: one action, answered with
    the case as it is afterwards."""

    def handler(request: HttpRequest, case_uuid: UUID, payload: Any) -> CaseOut:
        case = step(_case(request, case_uuid), acting_agent(request), payload)
        return _fresh(case)

    # As conversations._conversation_change: ninja reads the body's schema from the
    # annotation and the operation id from the name.
    handler.__name__ = name
    handler.__annotations__["payload"] = schema
    router.post(
        f"/verification-cases/{{case_uuid}}/{path}",
        response={200: CaseOut, **_WRITE_ERRORS},
        summary=summary,
        description=description + REFUSALS,
    )(handler)


_case_step(
    "propose",
    ProposeIn,
    lambda case, agent, payload: actions.propose(case=case, agent=agent, note=payload.note),
    name="propose_verification_case",
    summary="Propose the decision",
    description=(
        "By the case's owner, once every required check passed (409 before). The case then "
        "waits for a second agent of the policy's role."
    ),
)
_case_step(
    "approve",
    DecisionIn,
    lambda case, agent, payload: actions.approve(case=case, agent=agent, reason=payload.reason),
    name="approve_verification_case",
    summary="Approve a proposed case",
    description=(
        "By a second agent: never the one who proposed (administrators are not exempt), and "
        "of the policy's approver role or higher. The cool-down starts (`executes_at`) and "
        "the customer's registered email and phone get a link to cancel; the platform "
        "carries out the change when the cool-down ends."
    ),
)
_case_step(
    "reject",
    DecisionIn,
    lambda case, agent, payload: actions.reject(case=case, agent=agent, reason=payload.reason),
    name="reject_verification_case",
    summary="Reject a proposed case",
    description="By an agent who may approve it; the case ends and nothing changes.",
)
_case_step(
    "cancel",
    DecisionIn,
    lambda case, agent, payload: actions.cancel_by_agent(
        case=case, agent=agent, reason=payload.reason
    ),
    name="cancel_verification_case",
    summary="Cancel a case",
    description=(
        "By the case's owner or a supervisor, until the platform is asked to carry the change "
        "out; nothing changes."
    ),
)


@router.get(
    "/verification-cases/awaiting-decision",
    response={200: list[CaseOut], **error_responses(401)},
    summary="List the proposed cases the token's agent may decide",
    description=(
        "Proposed cases whose policy's approver role the token's agent has, leaving out "
        "those the agent proposed." + NO_DOCUMENTS
    ),
)
def verification_review_queue(request: HttpRequest) -> list[CaseOut]:
    cases = _with_details(selectors.review_queue(acting_agent(request)))
    return [CaseOut.of(case) for case in cases]


@router.post(
    "/conversations/{reference}/freeze",
    response={200: FrozenOut, **_WRITE_ERRORS},
    summary="Freeze the customer's platform account",
    description=(
        "Stops everything leaving the account at once, through the platform. Needs a reason, "
        "a note and `confirmed: true`; an L1 agent may freeze only on a conversation whose "
        "intent is `account_stolen`. The freeze is shown in the conversation's timeline. "
        "There is no unfreeze here: lifting a freeze is a verification case of kind "
        "`unfreeze`, approved by a second agent." + REFUSALS
    ),
)
def freeze_account(request: HttpRequest, reference: str, payload: FreezeIn) -> FrozenOut:
    conversation = _conversation(request, reference)
    status = actions.freeze(
        conversation=conversation,
        agent=acting_agent(request),
        reason=payload.reason,
        note=payload.note,
        confirmed=payload.confirmed,
    )
    return FrozenOut.of(conversation, status)
