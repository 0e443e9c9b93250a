"""The shapes of the verification-case operations (kefu/api/routers/verification.py).

What an agent reads of a case: its checks with only what a reviewer may see (for the
questions about the account, how many answers were right, never the answers or what was
expected), its steps in the reader's language, and when an approved change is carried out.
Documents are not here: reviewers read them in the console only.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator

from kefu.api.schemas import NOT_BLANK, AgentOut, checked_text
from kefu.conversations.models import Conversation
from kefu.core.api_schemas import InputSchema
from kefu.platform.connector import AccountState, AccountStatus
from kefu.platform.errors import describe_code
from kefu.verification.models import (
    CaseKind,
    CaseState,
    CheckKind,
    CheckState,
    VerificationCase,
    VerificationCheck,
)
from kefu.verification.selectors import steps

# A note or a reason is a few sentences for a colleague, not a message.
REASON_MAX_CHARS = 2000


ReasonText = Annotated[
    str,
    # The pattern is for the schema's readers; checked_text refuses with the `blank` code.
    Field(max_length=REASON_MAX_CHARS, json_schema_extra={"pattern": NOT_BLANK}),
    AfterValidator(checked_text),
]


class CaseOpenIn(InputSchema):
    kind: CaseKind = Field(
        description="The change the customer asks for; the kind's policy sets the checks, "
        "the approver's role and the cool-down.",
        examples=["unlock"],
    )


class ProposeIn(InputSchema):
    note: ReasonText = Field(
        description="For the approver: why the checks justify the change (not blank).",
        examples=["邮箱和手机验证码均已通过，账户状态正常，建议解锁。"],
    )


class DecisionIn(InputSchema):
    reason: ReasonText = Field(
        description="Why, for the case's record (not blank).",
        examples=["Checks passed; the customer confirmed on the phone."],
    )


# The codes of verification.actions.FREEZE_REASONS (a test keeps the two the same): the
# reason is a choice the back office can sort by, the note is the agent's own words.
FreezeReason = Literal["reported_stolen", "suspicious_activity", "customer_request"]


class FreezeIn(InputSchema):
    reason: FreezeReason = Field(
        description="Why the account is frozen: reported_stolen, suspicious_activity or "
        "customer_request.",
        examples=["reported_stolen"],
    )
    note: ReasonText = Field(
        description="What the agent saw, for the timeline (not blank).",
        examples=["Withdrawals the customer did not make are pending."],
    )
    confirmed: bool = Field(
        description="The agent confirmed the freeze; without it nothing is frozen (409).",
        examples=[True],
    )


class KnowledgeResultOut(Schema):
    """The questions about the account: how many answers were right, never the answers."""

    correct: int
    asked: int


class SecurityStateResultOut(Schema):
    locked_until: datetime | None = Field(
        None, description="The customer's own lock holds until then (the check failed)."
    )
    last_security_change_at: datetime | None = Field(
        None, description="The account's last security change."
    )


CheckResult = KnowledgeResultOut | SecurityStateResultOut | None


def check_result(check: VerificationCheck) -> CheckResult:
    """What a reviewer may see of a check's outcome, read key by key: `result` is free
    JSON, and whatever else lands in it stays out of the API unless added here on purpose."""
    result = check.result or {}
    if check.kind == CheckKind.KNOWLEDGE and "asked" in result:
        return KnowledgeResultOut(correct=result["correct"], asked=result["asked"])
    if check.kind == CheckKind.PLATFORM_STATE and result:
        return SecurityStateResultOut(
            locked_until=_moment(result.get("locked_until")),
            last_security_change_at=_moment(result.get("last_security_change_at")),
        )
    return None


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class CheckOut(Schema):
    kind: CheckKind
    state: CheckState
    attempts: int = Field(description="Codes sent, or answers given, so far.")
    destination_hint: str = Field(
        description="Where the last code went, masked as the platform gives it.",
        examples=["r***@example.com"],
    )
    completed_at: datetime | None
    result: CheckResult = Field(
        description="Questions about the account: `{correct, asked}`; security state: "
        "`{locked_until, last_security_change_at}`; null otherwise."
    )

    @staticmethod
    def of(check: VerificationCheck) -> "CheckOut":
        return CheckOut(
            kind=CheckKind(check.kind),
            state=CheckState(check.state),
            attempts=check.attempts,
            destination_hint=check.destination_hint,
            completed_at=check.completed_at,
            result=check_result(check),
        )


class StepOut(Schema):
    code: str = Field(examples=["opened"])
    text: str = Field(description="The step in the request's language.")
    at: datetime


class CaseOut(Schema):
    uuid: UUID = Field(description="The case's id in the other operations' paths.")
    reference: str = Field(examples=["V-000042"])
    conversation: str = Field(examples=["K-000123"])
    kind: CaseKind
    state: CaseState
    owner: AgentOut | None = Field(description="Who gathers the checks and proposes.")
    proposed_by: AgentOut | None
    decided_by: AgentOut | None
    created_at: datetime
    proposed_at: datetime | None
    decided_at: datetime | None
    executes_at: datetime | None = Field(
        description="When an approved change is carried out: the end of the cool-down."
    )
    executed_at: datetime | None
    failure: str = Field(
        description="Why the platform refused the change, in the request's language; empty "
        "unless the case failed."
    )
    checks: list[CheckOut]
    steps: list[StepOut] = Field(description="Oldest first.")

    @staticmethod
    def of(case: VerificationCase) -> "CaseOut":
        return CaseOut(
            uuid=case.uuid,
            reference=case.reference,
            conversation=case.conversation.reference,
            kind=CaseKind(case.kind),
            state=CaseState(case.state),
            owner=AgentOut.of(case.owner),
            proposed_by=AgentOut.of(case.proposed_by),
            decided_by=AgentOut.of(case.decided_by),
            created_at=case.created_at,
            proposed_at=case.proposed_at,
            decided_at=case.decided_at,
            executes_at=case.executes_at,
            executed_at=case.executed_at,
            failure=(
                describe_code(case.failure_code, case.failure_params) if case.failure_code else ""
            ),
            checks=[CheckOut.of(check) for check in case.checks.all()],
            steps=[StepOut(code=event.code, text=text, at=event.at) for event, text in steps(case)],
        )


class FrozenOut(Schema):
    conversation: str = Field(examples=["K-000123"])
    state: AccountState = Field(description="The account's state after the freeze.")
    since: datetime | None

    @staticmethod
    def of(conversation: Conversation, status: AccountStatus) -> "FrozenOut":
        return FrozenOut(
            conversation=conversation.reference, state=status.state, since=status.since
        )
