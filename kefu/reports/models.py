"""Rollups: per-hour and per-day counts the reports read instead of the raw tables.

Every row is keyed by a UTC hour (`hour`, the start of it) and the dimensions a report
filters on: team and inbox (with its channel stored beside it, so a channel filter needs
no join); the rows the volume and CSAT reports read are also keyed by intent. Rows come
in two grains in the same table: hourly rows (`daily` false) and daily rows (`daily`
true, `hour` = the UTC midnight starting the day), each daily row the sum of that day's
hourly rows with the same keys. A long period reads its whole UTC days from daily rows
and only its partial edge hours from hourly rows, so the rows read grow with days, not
hours (up to 24× fewer rows when each key sees a few conversations a day).

Team and inbox are plain ids, not foreign keys: a rollup outlives a
deleted team, and rebuilding millions of rows should not check constraints row by row.

The rows are *recomputed*, never incremented (see `kefu.reports.rollup`), except
`OnlineMinutes`, which is a sample of who is online now and cannot be recomputed later.
"""

from datetime import datetime

from django.db import models

from kefu.reports.histogram import BUCKETS


def grain(daily: bool, first: datetime, last: datetime) -> models.Q:
    """Rows of one grain starting in [first, last), as a condition the `(daily, hour)`
    indexes can seek: Django writes `daily=True` as a bare `"daily"` (and False as
    `NOT "daily"`), which SQLite's planner only skip-scans, walking the other grain's
    index entries in the range too (at 1,000,000 conversations, 80 ms instead of 20 for
    180 days of agent rows). An explicit value makes it `"daily" = 1`."""
    return models.Q(daily=models.Value(daily), hour__gte=first, hour__lt=last)


class HourRow(models.Model):
    hour = models.DateTimeField()  # the start of a UTC hour

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.hour:%Y-%m-%d %H:00}"


class GrainRow(HourRow):
    # True: the sum of the UTC day starting at `hour` (see kefu.reports.rollup.derive_days).
    daily = models.BooleanField(default=False)

    class Meta:
        abstract = True


class PlaceRow(GrainRow):
    """Keyed by where the conversations were: the dimensions the report filters act on."""

    team_id = models.BigIntegerField(null=True)
    inbox_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)

    class Meta:
        abstract = True


class KeyedRow(PlaceRow):
    """And by intent, for the one report that counts by it (volume)."""

    intent = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class Rollup(KeyedRow):
    opened = models.PositiveIntegerField(default=0)  # by created_at
    resolved = models.PositiveIntegerField(default=0)  # by resolved_at
    first_responses = models.PositiveIntegerField(default=0)  # by first_response_at
    # CSAT answers by answered_at: count, sum of ratings, ratings 1..5, "contacted outside".
    csat_responses = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    csat_1 = models.PositiveIntegerField(default=0)
    csat_2 = models.PositiveIntegerField(default=0)
    csat_3 = models.PositiveIntegerField(default=0)
    csat_4 = models.PositiveIntegerField(default=0)
    csat_5 = models.PositiveIntegerField(default=0)
    contacted_outside = models.PositiveIntegerField(default=0)
    # opened_h00 … opened_h23 (added below): conversations opened in each UTC hour of the
    # row. An hourly row fills only its own hour; a daily row all 24, so the heatmap
    # (weekday × hour in the viewer's zone) is shifted from daily rows without hourly ones.

    class Meta:
        indexes = [
            models.Index(fields=["daily", "hour"], name="rollup_grain_hour"),
            # CSAT reads only the hours with answers, a fraction of the rows.
            models.Index(
                fields=["daily", "hour"],
                name="rollup_csat_grain_hour",
                condition=models.Q(csat_responses__gt=0),
            ),
        ]


OPENED_BY_HOUR = tuple(f"opened_h{h:02d}" for h in range(24))
for _name in OPENED_BY_HOUR:
    Rollup.add_to_class(_name, models.PositiveIntegerField(default=0))


class DurationMetric(models.TextChoices):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class DurationRollup(PlaceRow):
    """A histogram of durations (`kefu.reports.histogram`): bucket_00 … bucket_61 (added
    below) count the durations that fell in each bucket.

    One row per key holds the whole histogram, rather than a row per bucket: a month of
    daily rows is then a few thousand rows whatever the traffic, where bucket rows
    multiplied them by the buckets in use (up to 62) as traffic grew. Not keyed by intent,
    which no duration report groups or filters by.
    """

    metric = models.CharField(max_length=16, choices=DurationMetric.choices)

    class Meta:
        indexes = [models.Index(fields=["daily", "hour"], name="duration_rollup_grain_hour")]


BUCKET_COLUMNS = tuple(f"bucket_{b:02d}" for b in range(BUCKETS))
for _name in BUCKET_COLUMNS:
    DurationRollup.add_to_class(_name, models.PositiveIntegerField(default=0))


class SlaRollup(PlaceRow):
    """SLA clocks met (by fulfilled_at, never breached) and breached (by breached_at)."""

    target = models.CharField(max_length=16)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["daily", "hour"], name="sla_rollup_grain_hour")]


class AgentRollup(GrainRow):
    """Per agent: conversations resolved while assigned, replies sent, CSAT earned."""

    agent_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    inbox_id = models.BigIntegerField()
    channel = models.CharField(max_length=16)
    handled = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    csat_responses = models.PositiveIntegerField(default=0)
    csat_sum = models.PositiveIntegerField(default=0)
    csat_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["daily", "hour"], name="agent_rollup_grain_hour"),
            models.Index(
                fields=["daily", "hour"],
                name="agent_rollup_csat_grain_hour",
                condition=models.Q(csat_responses__gt=0),
            ),
        ]


class FlowRollup(GrainRow):
    """Guided-flow runs by the hour they started and their outcome now."""

    intent = models.CharField(max_length=32)
    started = models.PositiveIntegerField(default=0)
    solved = models.PositiveIntegerField(default=0)
    handed_off = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["daily", "hour"], name="flow_rollup_grain_hour")]


class OnlineMinutes(HourRow):
    """Minutes an agent was really online, sampled once a minute by the scheduler."""

    agent_id = models.BigIntegerField()
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hour", "agent_id"], name="online_minutes_unique")
        ]
