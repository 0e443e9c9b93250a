"""Reads for the supervisors' alert list."""

import pytest

from kefu.safety import selectors
from kefu.safety.findings import PASSWORD
from kefu.safety.guard_explanations import ASKS_OTP
from kefu.safety.models import SafetyAlert


@pytest.mark.parametrize(
    ("reason", "language", "expected"),
    [
        (PASSWORD, "en", "[password removed]"),
        (PASSWORD, "zh-Hant", "[密碼已移除]"),
        (ASKS_OTP, "zh-Hans", "客服"),
        ("survey", "zh-Hans", "满意度调查"),
        ("survey", "zh-Hant", "滿意度調查"),
        ("survey", "en", "satisfaction survey"),
        ("a_reason_from_a_newer_version", "en", "a_reason_from_a_newer_version"),
    ],
)
def test_reasons_are_described_in_the_readers_language(reason, language, expected):
    assert expected in selectors.describe_reason(reason, language)


@pytest.mark.django_db
def test_waiting_and_seen_alerts_are_apart(conversation_factory, agent_factory):
    waiting = SafetyAlert.objects.create(
        kind=SafetyAlert.Kind.SECRET_EXPOSED, conversation=conversation_factory(), reasons=[]
    )
    seen = SafetyAlert.objects.create(
        kind=SafetyAlert.Kind.SECRET_EXPOSED,
        conversation=conversation_factory(),
        reasons=[],
        acknowledged_by=agent_factory(),
        acknowledged_at="2026-11-22T08:00:00Z",
    )
    assert list(selectors.alerts(acknowledged=False)) == [waiting]
    assert list(selectors.alerts(acknowledged=True)) == [seen]
    assert selectors.unacknowledged_count() == 1
