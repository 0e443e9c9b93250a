import pytest

from kefu.conversations.models import Status
from kefu.conversations.status import TRANSITIONS, can_transition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.OPEN, Status.PENDING),
        (Status.PENDING, Status.ON_HOLD),
        (Status.ON_HOLD, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
        (Status.RESOLVED, Status.OPEN),
    ],
)
def test_the_documented_path_is_allowed(current: Status, target: Status) -> None:
    assert can_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.OPEN, Status.CLOSED),
        (Status.PENDING, Status.CLOSED),
        (Status.CLOSED, Status.OPEN),
        (Status.CLOSED, Status.RESOLVED),
        (Status.OPEN, Status.OPEN),
    ],
)
def test_shortcuts_and_reopening_a_closed_conversation_are_refused(
    current: Status, target: Status
) -> None:
    assert not can_transition(current, target)


def test_every_status_has_a_rule() -> None:
    assert set(TRANSITIONS) == set(Status)
