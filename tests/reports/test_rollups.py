"""Rollups against a direct count of the raw rows, on seeded random data."""

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.test.utils import CaptureQueriesContext

from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.feedback.models import Survey
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.reports import rollup, selectors
from kefu.reports.filters import ReportFilter, parse_filter
from kefu.reports.histogram import BUCKETS, bucket_of
from kefu.reports.models import Rollup
from kefu.routing.business_time import calendar_for
from kefu.sla.models import Clock
from tests.reports.conftest import NOW, World

UTC_ZONE = ZoneInfo("UTC")


def _whole(world: World, tz: ZoneInfo = UTC_ZONE, **filters: object) -> ReportFilter:
    return parse_filter(
        (world.start - timedelta(days=1)).date(),
        world.end.date(),
        tz,
        **filters,  # type: ignore[arg-type]
    )


def _conversations(f: ReportFilter) -> QuerySet[Conversation]:
    rows = Conversation.objects.all()
    if f.team_ids:
        rows = rows.filter(team_id__in=f.team_ids)
    if f.channels:
        rows = rows.filter(channel__in=f.channels)
    if f.inbox_ids:
        rows = rows.filter(inbox_id__in=f.inbox_ids)
    return rows


def _nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def _same_bucket(estimate: float | None, true: float) -> bool:
    assert estimate is not None
    if bucket_of(true) == BUCKETS - 1:
        return bucket_of(estimate) == BUCKETS - 1
    # The estimate interpolates inside the true value's bucket; an estimate at the upper
    # edge belongs to that bucket too.
    return bucket_of(true) in (bucket_of(estimate), bucket_of(estimate) - 1) and (
        abs(estimate - true) <= max(10.0, 0.25 * true)
    )


def _check_everything(f: ReportFilter) -> None:
    conversations = _conversations(f)
    volume = selectors.volume(f)
    assert volume.total == conversations.count()
    assert {c.key: c.count for c in volume.by_channel} == dict(
        Counter(conversations.values_list("channel", flat=True))
    )
    assert {c.key: c.count for c in volume.by_intent} == dict(
        Counter(conversations.values_list("intent", flat=True))
    )
    heatmap = [[0] * 24 for _ in range(7)]
    days: Counter[str] = Counter()
    for created in conversations.values_list("created_at", flat=True):
        local = created.astimezone(f.tz)
        heatmap[local.weekday()][local.hour] += 1
        days[local.date().isoformat()] += 1
    assert volume.heatmap == heatmap
    assert {c.key: c.count for c in volume.by_day if c.count} == dict(days)

    times = selectors.times(f)
    for field, result in (
        ("first_response_at", times.first_response),
        ("resolved_at", times.resolution),
    ):
        durations = [
            calendar_for(team).between(created, done).total_seconds()
            for created, done, team in conversations.filter(
                **{f"{field}__isnull": False}
            ).values_list("created_at", field, "team_id")
        ]
        assert result.count == len(durations)
        assert _same_bucket(result.median, _nearest_rank(durations, 0.5))
        assert _same_bucket(result.p90, _nearest_rank(durations, 0.9))
    assert sum(t.first_response.count for t in times.by_team) == times.first_response.count

    clocks = Clock.objects.filter(conversation__in=conversations)
    expected_sla: dict[tuple[str, int | None], list[int]] = defaultdict(lambda: [0, 0])
    for target, team, fulfilled, breached in clocks.values_list(
        "target", "conversation__team_id", "fulfilled_at", "breached_at"
    ):
        if breached:
            expected_sla[(target, team)][1] += 1
        elif fulfilled:
            expected_sla[(target, team)][0] += 1
    assert {(r.target, r.team_id): [r.met, r.breached] for r in selectors.sla_compliance(f)} == (
        dict(expected_sla)
    )

    surveys = Survey.objects.filter(rating__isnull=False, answered_at__isnull=False)
    if f.team_ids:
        surveys = surveys.filter(team_id__in=f.team_ids)
    if f.channels:
        surveys = surveys.filter(channel__in=f.channels)
    if f.inbox_ids:
        surveys = surveys.filter(inbox_id__in=f.inbox_ids)
    csat = selectors.csat(f)
    ratings = [rating or 0 for rating in surveys.values_list("rating", flat=True)]
    assert csat.responses == len(ratings)
    assert csat.distribution == [ratings.count(r) for r in range(1, 6)]
    assert csat.average == pytest.approx(sum(ratings) / len(ratings))
    assert csat.contacted_outside == surveys.filter(contacted_outside=True).count()
    by_agent = {
        str(agent): (n, good)
        for agent, n, good in surveys.filter(agent__isnull=False)
        .values_list("agent_id")
        .annotate(n=Count("id"), good=Count("id", filter=Q(rating__gte=4)))
        .order_by()
    }
    assert {row.key: (row.responses, row.satisfied) for row in csat.by_agent} == by_agent
    latest = list(
        surveys.exclude(comment="")
        .order_by("-answered_at", "-id")
        .values_list("conversation_id", flat=True)[: selectors.COMMENTS]
    )
    assert [c.conversation_id for c in csat.comments] == latest

    activity = {row.agent_id: row for row in selectors.agent_activity(f)}
    handled = Counter(
        conversations.filter(resolved_at__isnull=False, assignee__isnull=False).values_list(
            "assignee_id", flat=True
        )
    )
    replies = Counter(
        Message.objects.filter(
            conversation__in=conversations, kind=MessageKind.OUTBOUND
        ).values_list("author_agent_id", flat=True)
    )
    load = Counter(
        conversations.filter(
            status__in=(Status.OPEN, Status.PENDING, Status.ON_HOLD), assignee__isnull=False
        ).values_list("assignee_id", flat=True)
    )
    for agent in set(handled) | set(replies) | set(load):
        assert (activity[agent].handled, activity[agent].replies, activity[agent].load) == (
            handled[agent],
            replies[agent],
            load[agent],
        )


def test_rollups_equal_a_direct_count_on_random_data(world_factory: Callable[..., World]) -> None:
    world = world_factory(conversations=400)
    rollup.rebuild(world.start - timedelta(days=1), world.end)

    _check_everything(_whole(world))
    _check_everything(_whole(world, team_ids=[world.teams[0].pk], channels=["email"]))
    _check_everything(_whole(world, tz=ZoneInfo("Asia/Shanghai"), inbox_ids=[world.inboxes[2].pk]))

    runs = {row.key: row for row in selectors.deflection(_whole(world))}
    for intent in set(FlowRun.objects.values_list("intent", flat=True)):
        mine = FlowRun.objects.filter(intent=intent)
        assert (runs[intent].started, runs[intent].solved, runs[intent].handed_off) == (
            mine.count(),
            mine.filter(outcome=RunOutcome.SOLVED).count(),
            mine.filter(outcome=RunOutcome.HANDOFF).count(),
        )


def test_recompute_is_idempotent(world_factory: Callable[..., World]) -> None:
    world = world_factory(conversations=120)
    rollup.rebuild(world.start, world.end)
    fields = ("hour", "team_id", "inbox_id", "intent", "opened", "resolved", "csat_sum")
    first = Counter(Rollup.objects.values_list(*fields))
    assert first
    rollup.rebuild(world.start, world.end)
    rollup.recompute(world.start + timedelta(hours=5), world.start + timedelta(hours=9))
    assert Counter(Rollup.objects.values_list(*fields)) == first


def test_a_late_commit_is_picked_up_by_the_next_run(
    world_factory: Callable[..., World], conversation_factory: Callable[..., Conversation]
) -> None:
    world = world_factory(conversations=20)
    f = _whole(world)
    rollup.recompute_recent(now=NOW)
    before = selectors.volume(f).total
    # Stamped 11:59:59 but committed after the 12:00 run had read that hour.
    late = conversation_factory()
    Conversation.objects.filter(pk=late.pk).update(created_at=NOW - timedelta(seconds=1))
    rollup.recompute_recent(now=NOW + timedelta(minutes=1))
    assert selectors.volume(f).total == before + 1


def test_heatmap_follows_the_viewers_time_zone(world_factory: Callable[..., World]) -> None:
    world = world_factory(conversations=0)
    conversation = Conversation.objects.create(
        contact=Contact.objects.create(name="客户"),
        inbox=world.inboxes[0],
        channel=world.inboxes[0].channel,
        last_message_at=NOW,
    )
    # Monday 23:30 UTC is Tuesday 07:30 in Shanghai and Monday 18:30 in New York (EST).
    monday = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    Conversation.objects.filter(pk=conversation.pk).update(created_at=monday)
    rollup.recompute(monday, monday + timedelta(hours=1))
    for zone, weekday, hour in (
        ("Asia/Shanghai", 1, 7),
        ("America/New_York", 0, 18),
        ("UTC", 0, 23),
    ):
        f = parse_filter("2026-03-01", "2026-03-04", ZoneInfo(zone))
        heatmap = selectors.volume(f).heatmap
        assert heatmap[weekday][hour] == 1
        assert sum(map(sum, heatmap)) == 1


def test_report_query_count_does_not_grow_with_data(
    world_factory: Callable[..., World], django_assert_num_queries: Callable[..., object]
) -> None:
    counts = []
    for size, seed in ((40, 1), (400, 2)):
        world = world_factory(conversations=size, seed=seed)
        rollup.rebuild(world.start - timedelta(days=1), world.end)
        f = _whole(world)
        per_report = []
        for report in (
            selectors.volume,
            selectors.times,
            selectors.sla_compliance,
            selectors.csat,
            selectors.deflection,
            selectors.agent_activity,
        ):
            with CaptureQueriesContext(connection) as queries:
                report(f)
            per_report.append(len(queries))
        counts.append(per_report)
    assert counts[0] == counts[1]
    # volume 2, times 2, sla 2, csat 5, deflection 2, agent activity 4
    assert counts[0] == [2, 2, 2, 5, 2, 4]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_a_period_cutting_utc_days_reads_days_and_edge_hours_exactly(
    world_factory: Callable[..., World], zone: str
) -> None:
    # In both zones the local days 9–10 March start mid-UTC-day, so the report sums whole
    # UTC days from daily rows plus edge hours from hourly rows (New York also changes to
    # daylight time on 8 March). Every figure must equal the raw rows of that exact range.
    world = world_factory(conversations=300)
    rollup.rebuild(world.start - timedelta(days=1), world.end)
    f = parse_filter("2026-03-09", "2026-03-10", ZoneInfo(zone))
    first, last = f.utc_range()
    # The edges really cut UTC days.
    assert first.hour
    assert last.hour

    def within(field: str) -> dict[str, datetime]:
        return {f"{field}__gte": first, f"{field}__lt": last}

    opened = Conversation.objects.filter(**within("created_at"))
    volume = selectors.volume(f)
    assert volume.total == opened.count() > 0
    heatmap = [[0] * 24 for _ in range(7)]
    for created in opened.values_list("created_at", flat=True):
        local = created.astimezone(f.tz)
        heatmap[local.weekday()][local.hour] += 1
    assert volume.heatmap == heatmap
    assert {c.key: c.count for c in volume.by_channel} == dict(
        Counter(opened.values_list("channel", flat=True))
    )

    times = selectors.times(f)
    assert (
        times.first_response.count
        == Conversation.objects.filter(**within("first_response_at")).count()
    )
    assert times.resolution.count == Conversation.objects.filter(**within("resolved_at")).count()

    sla = selectors.sla_compliance(f)
    assert sum(row.breached for row in sla) == Clock.objects.filter(**within("breached_at")).count()
    assert sum(row.met for row in sla) == (
        Clock.objects.filter(breached_at__isnull=True, **within("fulfilled_at")).count()
    )

    answered = Survey.objects.filter(rating__isnull=False, **within("answered_at"))
    assert selectors.csat(f).responses == answered.count()

    replies = Message.objects.filter(
        kind=MessageKind.OUTBOUND, author_agent__isnull=False, **within("created_at")
    )
    assert sum(row.replies for row in selectors.agent_activity(f)) == replies.count()

    started = {row.key: row.started for row in selectors.deflection(f) if row.key != "search"}
    assert started == dict(
        Counter(FlowRun.objects.filter(**within("started_at")).values_list("intent", flat=True))
    )


def test_daily_rows_are_the_sum_of_their_hours(world_factory: Callable[..., World]) -> None:
    world = world_factory(conversations=120)
    rollup.rebuild(world.start, world.end)
    # A later recompute of a few hours re-derives their day, and only from its hours.
    rollup.recompute(world.start + timedelta(hours=30), world.start + timedelta(hours=31))
    hourly: Counter[tuple[object, ...]] = Counter()
    for hour, team, inbox, intent, opened in Rollup.objects.filter(daily=False).values_list(
        "hour", "team_id", "inbox_id", "intent", "opened"
    ):
        hourly[(hour.date(), team, inbox, intent)] += opened
    daily = Counter(
        {
            (hour.date(), team, inbox, intent): opened
            for hour, team, inbox, intent, opened in Rollup.objects.filter(daily=True).values_list(
                "hour", "team_id", "inbox_id", "intent", "opened"
            )
        }
    )
    assert +daily == +hourly
    days = Rollup.objects.filter(daily=True).values_list("hour", flat=True)
    assert {day.astimezone(UTC).time() for day in days} == {datetime.min.time()}
