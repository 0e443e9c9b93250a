"""Keeping the rollups: the scheduler's jobs, the rebuild command, search counting."""

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent, Availability
from kefu.conversations.models import Conversation
from kefu.core import scheduler
from kefu.helpcenter import actions as helpcenter_actions
from kefu.helpcenter.models import SearchCount
from kefu.reports import selectors
from kefu.reports.filters import parse_filter
from kefu.reports.models import OnlineMinutes, Rollup

pytestmark = pytest.mark.django_db


def _today() -> tuple[str, str]:
    today = timezone.now().astimezone(ZoneInfo("UTC")).date()
    return (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()


def test_the_scheduler_counts_recent_conversations_and_online_minutes(
    conversation_factory: Callable[..., Conversation], agent_factory: Callable[..., Agent]
) -> None:
    online = agent_factory()
    agent_factory(availability=Availability.OFFLINE)
    conversation_factory()
    done = scheduler.run_due()
    assert "reports.recent" in done
    assert "reports.daily" in done
    f = parse_filter(*_today(), ZoneInfo("UTC"))
    assert selectors.volume(f).total == 1
    assert list(OnlineMinutes.objects.values_list("agent_id", "minutes")) == [(online.pk, 1)]
    # The next minute's run samples again; a second scheduler in the same minute does not.
    scheduler.run_due(timezone.now() + timedelta(seconds=61))
    scheduler.run_due(timezone.now() + timedelta(seconds=62))
    row = next(r for r in selectors.agent_activity(f) if r.agent_id == online.pk)
    assert row.online_minutes == 2


def test_rebuild_command_reports_progress(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation_factory()
    conversation_factory()
    Rollup.objects.all().delete()
    out = StringIO()
    call_command("reports", "rebuild", "--days", "2", stdout=out)
    assert "Rebuilt" in out.getvalue()
    assert "days" in out.getvalue()
    assert sum(Rollup.objects.filter(daily=False).values_list("opened", flat=True)) == 2


def test_help_center_searches_are_counted_for_deflection() -> None:
    helpcenter_actions.import_bundle()
    client = Client()
    client.cookies["django_language"] = "zh-hans"
    client.get("/help/search/", {"q": "提幣沒到賬"})
    client.get("/help/search/", {"q": "zzqqxxyy"})
    client.get("/help/search/", {"q": "x" * 201})  # refused: not a search made
    assert list(SearchCount.objects.values_list("searches", "no_results")) == [(2, 1)]
    f = parse_filter(*_today(), ZoneInfo("Asia/Shanghai"))
    search = next(row for row in selectors.deflection(f) if row.key == "search")
    assert (search.started, search.solved, search.handed_off, search.rate) == (2, 1, 1, 0.5)
