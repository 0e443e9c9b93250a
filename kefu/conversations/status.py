"""The conversation status machine: which changes an agent may make."""

from kefu.conversations.models import Status

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.RESOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.RESOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    # Closed is final: a customer who writes again gets a follow-up conversation, so
    # the closed record (and its CSAT and SLA figures) never changes under reports.
    Status.CLOSED: frozenset(),
}

# Statuses a customer's new message moves back to open.
REOPENED_BY_CUSTOMER = frozenset({Status.PENDING, Status.ON_HOLD, Status.RESOLVED})


def can_transition(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]
