"""Report filters: bad periods and unknown choices are refused with translated errors."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kefu.agents.models import Team
from kefu.inboxes.models import Inbox
from kefu.reports.filters import (
    MAX_DAYS,
    BadDate,
    PeriodReversed,
    PeriodTooLong,
    ReportFilter,
    UnknownChannel,
    UnknownInbox,
    UnknownTeam,
    parse_filter,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_valid_filter_is_built_from_text() -> None:
    f = parse_filter("2026-03-01", "2026-03-31", SHANGHAI, channels=["email", "email"])
    assert (f.start, f.end, f.days, f.channels) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
        31,
        ("email",),
    )
    first, last = f.utc_range()
    assert (first.isoformat(), last.isoformat()) == (
        "2026-02-28T16:00:00+00:00",
        "2026-03-31T16:00:00+00:00",
    )


def test_a_ten_year_period_is_refused_in_the_viewers_language() -> None:
    with translation.override("zh-hans"), pytest.raises(PeriodTooLong) as refused:
        parse_filter("2016-01-01", "2025-12-31", SHANGHAI)
    assert refused.value.code == "period_too_long"
    assert str(MAX_DAYS) in refused.value.message
    assert "天" in refused.value.message
    with translation.override("zh-hant"), pytest.raises(PeriodTooLong) as refused:
        ReportFilter.parse("2016-01-01", "2025-12-31", SHANGHAI)
    assert "報表" in refused.value.message


def test_the_longest_period_is_accepted() -> None:
    f = parse_filter(date(2025, 1, 1), date(2026, 1, 1), SHANGHAI)
    assert f.days == MAX_DAYS


def test_reversed_dates_are_refused() -> None:
    with translation.override("zh-hans"), pytest.raises(PeriodReversed) as refused:
        parse_filter("2026-03-31", "2026-03-01", SHANGHAI)
    assert refused.value.code == "period_reversed"
    assert "早于" in refused.value.message


def test_a_date_that_is_not_a_date_is_refused() -> None:
    with translation.override("en"), pytest.raises(BadDate) as refused:
        parse_filter("2026-02-30", "2026-03-01", SHANGHAI)
    assert "2026-02-30" in refused.value.message


@pytest.mark.django_db
def test_unknown_team_channel_or_inbox_is_refused() -> None:
    team = Team.objects.create(name="KYC", slug="kyc")
    inbox = Inbox.objects.create(name="Mail", channel="email")
    assert parse_filter("2026-03-01", "2026-03-02", SHANGHAI, team_ids=[str(team.pk)]).team_ids == (
        team.pk,
    )
    with translation.override("zh-hans"), pytest.raises(UnknownTeam) as refused:
        parse_filter("2026-03-01", "2026-03-02", SHANGHAI, team_ids=[team.pk, team.pk + 1])
    assert refused.value.code == "unknown_team"
    assert "团队" in refused.value.message
    with pytest.raises(UnknownTeam):
        parse_filter("2026-03-01", "2026-03-02", SHANGHAI, team_ids=["kyc"])
    with pytest.raises(UnknownChannel):
        parse_filter("2026-03-01", "2026-03-02", SHANGHAI, channels=["fax"])
    with pytest.raises(UnknownInbox):
        parse_filter("2026-03-01", "2026-03-02", SHANGHAI, inbox_ids=[inbox.pk + 100])
