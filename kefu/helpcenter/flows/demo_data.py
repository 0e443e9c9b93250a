"""Past guided-flow runs for `kefu demo`, so the deflection page has figures to show."""

from datetime import timedelta

from django.utils import timezone

from kefu.helpcenter.flows.models import FlowRun, RunOutcome

# (intent, days ago, outcome, steps): a month of customers helping themselves, or not.
RUNS = (
    ("withdrawal_delayed", 1, RunOutcome.SOLVED, ["start", "lookup", "review", "solved"]),
    ("withdrawal_delayed", 2, RunOutcome.SOLVED, ["start", "lookup", "pending", "solved"]),
    ("withdrawal_delayed", 3, RunOutcome.HANDOFF, ["start", "lookup", "completed", "handoff"]),
    ("withdrawal_delayed", 12, RunOutcome.SOLVED, ["start", "lookup", "review", "solved"]),
    ("deposit_missing", 1, RunOutcome.SOLVED, ["start", "tx", "lookup", "confirming", "solved"]),
    ("deposit_missing", 5, RunOutcome.HANDOFF, ["start", "tx", "lookup", "checklist", "handoff"]),
    ("deposit_missing", 20, RunOutcome.SOLVED, ["start", "tx", "lookup", "credited", "solved"]),
    ("login_failed", 2, RunOutcome.SOLVED, ["start", "solved"]),
    ("login_failed", 4, RunOutcome.IN_PROGRESS, ["start"]),
    ("account_locked", 6, RunOutcome.HANDOFF, ["start", "locked", "handoff"]),
    ("transaction_failed", 3, RunOutcome.SOLVED, ["start", "price", "solved"]),
    ("transaction_failed", 25, RunOutcome.SOLVED, ["start", "balance", "solved"]),
)  # fmt: skip


def load() -> None:
    now = timezone.now()
    FlowRun.objects.bulk_create(
        FlowRun(
            intent=intent,
            language="zh-Hans",
            step=steps[-1],
            steps=steps,
            outcome=outcome,
            started_at=now - timedelta(days=days),
            finished_at=None if outcome == RunOutcome.IN_PROGRESS else now - timedelta(days=days),
        )
        for intent, days, outcome, steps in RUNS
    )
