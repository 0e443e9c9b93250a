"""What each kind of case requires by default (DESIGN §2), and the policy in force.

An administrator edits the policies in the admin; the rows are seeded from DEFAULTS by
the app's migration, and a kind without a row (a deployment that deleted one) falls back
to its default rather than to no checks at all.
"""

from dataclasses import dataclass

from kefu.agents.models import Role
from kefu.verification.models import CaseKind, CheckKind, VerificationPolicy

E, P, K = CheckKind.EMAIL_CODE, CheckKind.PHONE_CODE, CheckKind.KNOWLEDGE
D, S, A = CheckKind.ID_DOCUMENT, CheckKind.SELFIE, CheckKind.PLATFORM_STATE


@dataclass(frozen=True)
class Default:
    checks: tuple[CheckKind, ...]
    approver_role: Role
    cool_down_hours: int


DEFAULTS: dict[CaseKind, Default] = {
    # A locked account: registered email and phone codes; documents only if the reviewer
    # asks (a policy may add them). A short cool-down: the customer is waiting to trade.
    CaseKind.UNLOCK: Default((E, P, A), Role.L2, 1),
    # Frozen after a theft report, or by legal hold: everything, and a supervisor.
    CaseKind.UNFREEZE: Default((E, P, K, D, S, A), Role.SUPERVISOR, 24),
    CaseKind.RESET_2FA: Default((E, K, D, S, A), Role.L2, 24),
    # Changing a contact: a code to the *other* registered contact, and documents.
    CaseKind.CHANGE_EMAIL: Default((P, K, D, S, A), Role.L2, 24),
    CaseKind.CHANGE_PHONE: Default((E, K, D, S, A), Role.L2, 24),
    CaseKind.CHANGE_PERSONAL_INFO: Default((E, D, A), Role.L2, 24),
    # Registered email, name, recent transactions and logins, then both codes.
    CaseKind.RECOVER_ACCOUNT: Default((E, P, K, D, S, A), Role.SUPERVISOR, 24),
}


def policy_for(kind: str) -> VerificationPolicy:
    """The policy in force for `kind` (an unsaved one built from DEFAULTS if none is stored)."""
    stored = VerificationPolicy.objects.filter(kind=kind).first()
    return stored if stored is not None else _default(kind)


def all_policies() -> dict[str, VerificationPolicy]:
    """The policy in force for every kind, in one query (a queue, a nav badge)."""
    stored = {policy.kind: policy for policy in VerificationPolicy.objects.all()}
    return {kind: stored.get(kind) or _default(kind) for kind in CaseKind.values}


def _default(kind: str) -> VerificationPolicy:
    default = DEFAULTS[CaseKind(kind)]
    return VerificationPolicy(
        kind=kind,
        required_checks=[check.value for check in default.checks],
        approver_role=default.approver_role,
        cool_down_hours=default.cool_down_hours,
    )
