"""Hand-built report figures in the selectors' shapes, for tests of the pages' formatting."""

from datetime import UTC, date, datetime

from kefu.reports import community as c
from kefu.reports import selectors as s


def heatmap() -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    grid[0][9] = 12  # Monday 09:00
    grid[4][21] = 3  # Friday 21:00
    return grid


VOLUME = s.Volume(
    heatmap=heatmap(),
    by_day=[s.Count("2026-12-01", "12月1日", 7), s.Count("2026-12-02", "12月2日", 8)],
    by_channel=[s.Count("email", "电子邮件", 9), s.Count("webchat", "在线聊天", 6)],
    by_intent=[s.Count("deposit_missing", "充值未到账", 1234)],
    total=15,
)
TIMES = s.Times(
    first_response=s.Durations(count=10, median=240, p90=4800),
    resolution=s.Durations(count=4, median=183_600, p90=None),
    by_team=[
        s.TeamTimes(
            team_id=1,
            label="Payments",
            first_response=s.Durations(count=3, median=45, p90=3600),
            resolution=s.Durations(count=0, median=None, p90=None),
        )
    ],
)
SLA = [
    s.SlaRow("first_response", "First response", 1, "Payments", met=9, breached=1, rate=0.9),
    s.SlaRow("resolution", "Resolution", None, "No team", met=0, breached=0, rate=None),
]
CSAT = s.Csat(
    responses=4,
    average=4.25,
    rate=0.75,
    distribution=[0, 1, 0, 1, 2],
    contacted_outside=1,
    by_agent=[s.CsatRow("7", "Chen Jie", 4, 4.25, 3, 0.75)],
    by_team=[s.CsatRow("1", "Payments", 4, 4.25, 3, 0.75)],
    comments=[
        s.CsatComment(
            reference="K-000042",
            conversation_id=42,
            rating=2,
            comment='=HYPERLINK("http://evil") 太慢了',
            agent_label="Chen Jie",
            answered_at_iso="2026-12-01T01:30:00+00:00",
        )
    ],
)
DEFLECTION = [s.DeflectionRow("search", "Help-center search", 20, 15, 5, 0.75)]
AGENTS = [s.AgentRow(7, "Chen Jie", handled=5, replies=12, online_minutes=80, load=2)]
COMMUNITY = c.Community(
    days=[
        c.CommunityDay(date(2026, 12, 1), 4, 6, 2, 3),
        c.CommunityDay(date(2026, 12, 2), 0, 1, 0, 0),
    ],
    questions=4,
    answers=7,
    official_answers=2,
    solved=3,
    unanswered=c.Waiting(1, datetime(2026, 12, 1, 1, 30, tzinfo=UTC)),
    without_official=c.Waiting(2, datetime(2026, 12, 1, 1, 30, tzinfo=UTC)),
    held_posts=c.Waiting(0, None),
    official_count=2,
    official_median=1800,
    official_p90=7200,
)


def patch_selectors(monkeypatch) -> None:
    """Make every report selector return the figures above."""
    monkeypatch.setattr(s, "volume", lambda f: VOLUME)
    monkeypatch.setattr(s, "times", lambda f: TIMES)
    monkeypatch.setattr(s, "sla_compliance", lambda f: SLA)
    monkeypatch.setattr(s, "csat", lambda f: CSAT)
    monkeypatch.setattr(s, "deflection", lambda f: DEFLECTION)
    monkeypatch.setattr(s, "agent_activity", lambda f: AGENTS)
    monkeypatch.setattr(c, "community", lambda f: COMMUNITY)
