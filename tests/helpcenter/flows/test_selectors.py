from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.helpcenter.flows.selectors import deflection, run_by_token


def runs(intent: str, outcome: str, count: int, days_ago: float = 1) -> None:
    started = timezone.now() - timedelta(days=days_ago)
    FlowRun.objects.bulk_create(
        FlowRun(intent=intent, language="en", step="x", outcome=outcome, started_at=started)
        for _ in range(count)
    )


@pytest.mark.django_db
def test_deflection_by_flow_and_window() -> None:
    runs("withdrawal_delayed", RunOutcome.SOLVED, 3)
    runs("withdrawal_delayed", RunOutcome.HANDOFF, 1)
    runs("login_failed", RunOutcome.IN_PROGRESS, 2)
    runs("withdrawal_delayed", RunOutcome.SOLVED, 4, days_ago=20)  # only in the 30-day window
    week = {row.intent: row for row in deflection(7)}
    assert week["withdrawal_delayed"].started == 4
    assert week["withdrawal_delayed"].rate == 0.75
    assert week["login_failed"].unfinished == 2
    assert week["login_failed"].rate == 0
    assert week["deposit_missing"].rate is None
    assert (week[""].started, week[""].solved, week[""].handed_off) == (6, 3, 1)
    month = {row.intent: row for row in deflection(30)}
    assert (month["withdrawal_delayed"].started, month["withdrawal_delayed"].solved) == (8, 7)


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-uuid", "6f1c3c1e-1111-4a4a-8888-000000000000"])
def test_an_unknown_or_malformed_token_is_not_found(token: str) -> None:
    with pytest.raises(NotFound):
        run_by_token(token)
