"""SLA reads: badges from the conversation's columns, the panel, compliance per team today."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.agents.models import Team
from kefu.conversations.models import Conversation
from kefu.sla import selectors
from kefu.sla.models import Clock, EventKind, SlaEvent, SlaPolicy, Target

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)  # 12:00 in Asia/Shanghai, the default zone


@pytest.fixture
def policy(db):
    return SlaPolicy.objects.create(
        name="Chat", first_response_minutes=5, first_response_business=False
    )


def clock(conversation: Conversation, policy: SlaPolicy, target: str, **fields: Any) -> Clock:
    fields.setdefault("started_at", NOW - timedelta(hours=1))
    return Clock.objects.create(
        conversation=conversation, policy=policy, target=target, business=False, **fields
    )


def event(
    conversation: Conversation,
    kind: str,
    at: datetime,
    target: str = Target.FIRST_RESPONSE,
    due_at: datetime | None = None,
) -> SlaEvent:
    return SlaEvent.objects.create(
        conversation=conversation, target=target, kind=kind, at=at, due_at=due_at
    )


def test_a_running_deadline_says_the_time_left(conversation_factory):
    conversation = conversation_factory(
        sla_due_at=NOW + timedelta(minutes=12), sla_due_target=Target.FIRST_RESPONSE
    )
    badge = selectors.conversation_badge(conversation, NOW)
    assert badge == selectors.Badge(
        "first_response", "running", NOW + timedelta(minutes=12), timedelta(minutes=12)
    )
    assert not badge.late


def test_a_passed_deadline_is_overdue_even_before_the_sweep_marks_it(conversation_factory):
    conversation = conversation_factory(
        sla_due_at=NOW - timedelta(hours=3), sla_due_target=Target.RESOLUTION
    )
    badge = selectors.conversation_badge(conversation, NOW)
    assert badge is not None
    assert (badge.state, badge.delta, badge.late) == ("overdue", timedelta(hours=3), True)


def test_breached_without_a_running_deadline_still_shows(conversation_factory):
    breached = conversation_factory(sla_breached=True)
    assert selectors.conversation_badge(breached, NOW) == selectors.Badge("", "breached")
    assert selectors.conversation_badge(conversation_factory(), NOW) is None


def test_clock_badges(conversation_factory, policy):
    conversation = conversation_factory()
    running = clock(conversation, policy, Target.RESOLUTION, due_at=NOW + timedelta(hours=2))
    paused = clock(
        conversation,
        policy,
        Target.NEXT_RESPONSE,
        remaining=timedelta(minutes=7),
        paused_at=NOW - timedelta(minutes=1),
    )
    met = clock(conversation, policy, Target.FIRST_RESPONSE, fulfilled_at=NOW)
    stopped = clock(conversation, policy, Target.PERIODIC_UPDATE, stopped_at=NOW)
    assert selectors.clock_badge(running, NOW).state == "running"
    assert selectors.clock_badge(paused, NOW) == selectors.Badge(
        "next_response", "paused", None, timedelta(minutes=7)
    )
    assert selectors.clock_badge(met, NOW).state == "met"
    assert selectors.clock_badge(stopped, NOW).state == "stopped"
    # The page lists them in the targets' order, whatever order they started in.
    assert [c.target for c in selectors.clocks(conversation)] == [
        "first_response",
        "next_response",
        "periodic_update",
        "resolution",
    ]


def test_the_panel_costs_two_queries_however_long_the_history(conversation_factory, policy):
    conversation = conversation_factory()
    clock(conversation, policy, Target.FIRST_RESPONSE, due_at=NOW)
    for n in range(5):
        event(conversation, EventKind.STARTED, NOW - timedelta(minutes=n))
    with CaptureQueriesContext(connection) as queries:
        panel = selectors.panel(conversation)
    assert len(queries) == 2
    assert len(panel.events) == 5
    assert len(panel.clocks) == 1
    assert [e.at for e in panel.events] == sorted(e.at for e in panel.events)


def test_compliance_counts_today_per_team_in_one_query(conversation_factory):
    wallets, kyc = (
        Team.objects.create(name="Wallets", slug="w"),
        Team.objects.create(name="KYC", slug="k"),
    )
    a, b = conversation_factory(team=wallets), conversation_factory(team=kyc)
    loose = conversation_factory()
    due = NOW + timedelta(minutes=5)
    event(a, EventKind.FULFILLED, NOW, due_at=due)  # met on time
    event(a, EventKind.FULFILLED, NOW, Target.NEXT_RESPONSE, due_at=due)
    event(b, EventKind.BREACHED, NOW - timedelta(hours=1), due_at=NOW - timedelta(hours=1))
    # Met after its breach: counted once, as breached.
    event(b, EventKind.FULFILLED, NOW, Target.NEXT_RESPONSE, due_at=NOW - timedelta(hours=2))
    event(b, EventKind.BREACHED, NOW - timedelta(hours=2), Target.NEXT_RESPONSE)
    event(loose, EventKind.FULFILLED, NOW)
    # 07:30 in Shanghai is today; 23:30 the evening before is not.
    event(a, EventKind.FULFILLED, datetime(2026, 12, 5, 23, 30, tzinfo=UTC))
    event(a, EventKind.BREACHED, datetime(2026, 12, 5, 15, 30, tzinfo=UTC))
    # Neither met nor breached: not a decision.
    event(a, EventKind.WARNED, NOW)
    event(b, EventKind.STARTED, NOW)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.team_compliance_today(NOW)
    assert len(queries) == 1
    assert rows == [
        selectors.TeamCompliance(None, "", 1, 0),
        selectors.TeamCompliance(kyc.pk, "KYC", 0, 2),
        selectors.TeamCompliance(wallets.pk, "Wallets", 3, 0),
    ]
    assert [row.percent for row in rows] == [100, 0, 100]


def test_today_is_the_default_time_zone_s_day():
    start, end = selectors.today_bounds(datetime(2026, 12, 6, 17, 0, tzinfo=UTC))
    # 01:00 on the 7th in Shanghai.
    assert start == datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(days=1)
