# Durations: one row per key holding the whole histogram (bucket_00 … bucket_61) instead of
# a row per bucket, and neither durations nor SLA rows keyed by intent any longer. The
# existing rows are folded into the new shape, so the reports read the same right after
# the upgrade instead of waiting for `kefu reports rebuild`.

from collections import defaultdict
from datetime import UTC, timedelta

from django.db import migrations, models

# As of this migration (kefu.reports.histogram may change later; a migration must not).
BUCKETS = 62
BUCKET_COLUMNS = [f"bucket_{b:02d}" for b in range(BUCKETS)]
PLACE = ("hour", "daily", "team_id", "inbox_id", "channel")
# Rows per INSERT (a histogram row has 70 columns: a tenth as many rows keeps SQLite
# within its parameter limit). Memory stays bounded because a table is read a day at a
# time.
STEP = 5000


def _by_day(model):
    """The table's rows one UTC day at a time (both grains of a day share its midnight)."""
    for midnight in model.objects.datetimes("hour", "day", tzinfo=UTC):
        yield model.objects.filter(hour__gte=midnight, hour__lt=midnight + timedelta(days=1))


def fold_histograms(apps, schema_editor):
    DurationRollup = apps.get_model("reports", "DurationRollup")
    for rows in _by_day(DurationRollup):
        histograms = defaultdict(lambda: [0] * BUCKETS)
        for *key, bucket, count in rows.values_list(*PLACE, "metric", "bucket", "count"):
            histograms[tuple(key)][bucket] += count
        rows.delete()
        DurationRollup.objects.bulk_create(
            [
                DurationRollup(
                    **dict(zip((*PLACE, "metric"), key, strict=True)),
                    bucket=0,
                    count=0,
                    **dict(zip(BUCKET_COLUMNS, counts, strict=True)),
                )
                for key, counts in histograms.items()
            ],
            batch_size=STEP // 10,
        )


def merge_sla_intents(apps, schema_editor):
    SlaRollup = apps.get_model("reports", "SlaRollup")
    for rows in _by_day(SlaRollup):
        totals = defaultdict(lambda: [0, 0])
        for *key, met, breached in rows.values_list(*PLACE, "target", "met", "breached"):
            totals[tuple(key)][0] += met
            totals[tuple(key)][1] += breached
        rows.delete()
        SlaRollup.objects.bulk_create(
            [
                SlaRollup(**dict(zip((*PLACE, "target"), key, strict=True)), met=met, breached=breached)
                for key, (met, breached) in totals.items()
            ],
            batch_size=STEP,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_daily_grain"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name="durationrollup",
                name=name,
                field=models.PositiveIntegerField(default=0),
            )
            for name in BUCKET_COLUMNS
        ),
        migrations.RunPython(fold_histograms, migrations.RunPython.noop),
        migrations.RunPython(merge_sla_intents, migrations.RunPython.noop),
        migrations.RemoveField(model_name="durationrollup", name="bucket"),
        migrations.RemoveField(model_name="durationrollup", name="count"),
        migrations.RemoveField(model_name="durationrollup", name="intent"),
        migrations.RemoveField(model_name="slarollup", name="intent"),
    ]
