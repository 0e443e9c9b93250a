"""kefu/reports/migrations/0004_histogram_rows.py: the rows written before the upgrade read
the same after it, folded into one histogram row per key and SLA rows without intent."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kefu.reports.histogram import BUCKETS

BEFORE = [("reports", "0003_daily_grain")]
AFTER = [("reports", "0004_histogram_rows")]
DAY = datetime(2026, 3, 2, tzinfo=UTC)
TEN = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_bucket_rows_fold_into_histograms_and_sla_rows_lose_intent() -> None:
    old = _migrate(BEFORE)
    durations = old.get_model("reports", "DurationRollup")
    place = {"team_id": 3, "inbox_id": 7, "channel": "email"}
    for hour, daily in ((TEN, False), (DAY, True)):
        for intent, bucket, count in (("deposit", 4, 2), ("withdrawal", 4, 1), ("deposit", 9, 5)):
            durations.objects.create(
                hour=hour,
                daily=daily,
                intent=intent,
                metric="resolution",
                bucket=bucket,
                count=count,
                **place,
            )
    durations.objects.create(
        hour=TEN, intent="deposit", metric="first_response", bucket=0, count=1, **place
    )
    sla = old.get_model("reports", "SlaRollup")
    for intent, met, breached in (("deposit", 3, 1), ("withdrawal", 2, 0)):
        sla.objects.create(
            hour=TEN, intent=intent, target="first_response", met=met, breached=breached, **place
        )
    sla.objects.create(hour=TEN, intent="kyc", target="resolution", met=1, **place)

    new = _migrate(AFTER)
    histograms = {
        (row.hour, row.daily, row.metric): [getattr(row, f"bucket_{b:02d}") for b in range(BUCKETS)]
        for row in new.get_model("reports", "DurationRollup").objects.all()
    }
    resolution = [0] * BUCKETS
    resolution[4], resolution[9] = 3, 5
    first_response = [0] * BUCKETS
    first_response[0] = 1
    assert histograms == {
        (TEN, False, "resolution"): resolution,
        (DAY, True, "resolution"): resolution,
        (TEN, False, "first_response"): first_response,
    }
    counted = new.get_model("reports", "SlaRollup").objects.values_list(
        "target", "met", "breached", "team_id", "inbox_id", "channel"
    )
    assert sorted(counted) == [
        ("first_response", 5, 1, 3, 7, "email"),
        ("resolution", 1, 0, 3, 7, "email"),
    ]
