"""The reports page's sections: the selectors' figures as tables and chart data.

Every number, duration, weekday and label is formatted here, on the server, in the
viewer's language, so the page, its charts (reports.js only draws what it is given) and
the CSV export say the same thing. A table is built once and serves both the page and
its CSV download.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from kefu.reports import community, selectors
from kefu.reports.filters import ReportFilter


@dataclass(frozen=True)
class Cell:
    text: str  # as the page shows it
    csv: str | int | float  # as a spreadsheet should read it: plain numbers, no grouping
    href: str = ""  # a link on the page (a comment's conversation)


@dataclass(frozen=True)
class Table:
    name: str  # the CSV export's ?table= value
    caption: str
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    id: str
    kind: str  # "heatmap", "bar" or "line"; reports.js knows these three
    label: str  # the chart's accessible name
    x: list[str]
    y: list[str]
    data: list[Any]
    series: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    figures: list[tuple[str, str]]  # headline figures: (label, formatted value)
    charts: list[Chart]
    tables: list[Table]


# --- formatting in the active language ------------------------------------------------


def number(value: int | float) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def percent(rate: float | None) -> str:
    if rate is None:
        return "—"
    return _("%(value)s%%") % {"value": formats.number_format(rate * 100, 1, use_l10n=True)}


def duration(seconds: float | None) -> str:
    """Two units at most, as a person says it: "45 s", "4 min", "1 h 20 min", "2 d 3 h"."""
    if seconds is None:
        return "—"
    total = round(seconds)
    if total < 60:
        return ngettext("%(count)d s", "%(count)d s", total) % {"count": total}
    minutes = total // 60
    if minutes < 60:
        return ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        if not minutes:
            return ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours}
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    if not hours:
        return ngettext("%(count)d d", "%(count)d d", days) % {"count": days}
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


def _count(value: int) -> Cell:
    return Cell(number(value), value)


def _rate(value: float | None) -> Cell:
    return Cell(percent(value), "" if value is None else round(value, 4))


def _average(value: float | None) -> Cell:
    if value is None:
        return Cell("—", "")
    return Cell(formats.number_format(value, 2, use_l10n=True), round(value, 2))


def _duration(value: float | None) -> Cell:
    # The spreadsheet gets whole seconds, which its formulas can sum and compare.
    return Cell(duration(value), "" if value is None else round(value))


def _text(value: str) -> Cell:
    return Cell(value, value)


def weekday_names() -> list[str]:
    return [str(WEEKDAYS[day]) for day in range(7)]


def hour_labels() -> list[str]:
    return [f"{hour:02d}:00" for hour in range(24)]


def chart_locale() -> str:
    """ECharts' own words (toolbox, "no data") in Chinese for both Chinese scripts."""
    return "ZH" if (get_language() or "").lower().startswith("zh") else "EN"


# --- sections -------------------------------------------------------------------------


def _counts_table(
    name: str, caption: str, first: str, counts: Sequence[selectors.Count], by_key: bool = False
) -> Table:
    """`by_key`: the CSV gets the key (a date as 2026-03-08) rather than the page's label."""
    return Table(
        name,
        caption,
        [first, pgettext("a count", "Conversations")],
        [[Cell(c.label, c.key if by_key else c.label), _count(c.count)] for c in counts],
    )


def _bar(id: str, label: str, counts: Sequence[selectors.Count], kind: str = "bar") -> Chart:
    return Chart(
        id,
        kind,
        label,
        x=[c.label for c in counts],
        y=[],
        data=[c.count for c in counts],
        series=pgettext("a count", "Conversations"),
    )


def _day_label(count: selectors.Count) -> selectors.Count:
    """A day's count labelled as the viewer writes a date ("3月8日", "March 8")."""
    day = date.fromisoformat(count.key)
    return replace(count, label=formats.date_format(day, "MONTH_DAY_FORMAT", use_l10n=True))


def volume_section(v: selectors.Volume) -> Section:
    days, hours = weekday_names(), hour_labels()
    by_day = [_day_label(c) for c in v.by_day]
    heat_rows = [
        [_text(days[day]), *(_count(n) for n in v.heatmap[day])] for day in range(len(days))
    ]
    heat = Chart(
        "volume-heatmap",
        "heatmap",
        _("Conversations opened by weekday and hour"),
        x=hours,
        y=days,
        # ECharts' heatmap points are [x, y, value]
        data=[[h, d, v.heatmap[d][h]] for d in range(len(days)) for h in range(len(hours))],
        series=pgettext("a count", "Conversations"),
    )
    return Section(
        "volume",
        _("Volume"),
        [(_("Conversations opened"), number(v.total))],
        [
            heat,
            _bar("volume-days", _("Conversations opened by day"), by_day, kind="line"),
            _bar("volume-channels", _("Conversations by channel"), v.by_channel),
            _bar("volume-intents", _("Conversations by intent"), v.by_intent),
        ],
        [
            Table(
                "volume_hours",
                _("Conversations opened by weekday and hour"),
                [pgettext("weekday column", "Day"), *hours],
                heat_rows,
            ),
            _counts_table("volume_days", _("By day"), _("Date"), by_day, by_key=True),
            _counts_table("volume_channels", _("By channel"), _("Channel"), v.by_channel),
            _counts_table("volume_intents", _("By intent"), _("Intent"), v.by_intent),
        ],
    )


def _durations(d: selectors.Durations) -> list[Cell]:
    return [_count(d.count), _duration(d.median), _duration(d.p90)]


def times_section(t: selectors.Times) -> Section:
    headers = [
        _("Team"),
        _("First responses"),
        _("First response, median"),
        _("First response, 90th percentile"),
        _("Resolved"),
        _("Resolution, median"),
        _("Resolution, 90th percentile"),
    ]
    rows = [[_text(_("All teams")), *_durations(t.first_response), *_durations(t.resolution)]]
    rows += [
        [_text(team.label), *_durations(team.first_response), *_durations(team.resolution)]
        for team in t.by_team
    ]
    return Section(
        "times",
        _("Response and resolution times"),
        [
            (_("First response, median"), duration(t.first_response.median)),
            (_("First response, 90th percentile"), duration(t.first_response.p90)),
            (_("Resolution, median"), duration(t.resolution.median)),
            (_("Resolution, 90th percentile"), duration(t.resolution.p90)),
        ],
        [],
        [Table("times", _("Times by team (business hours)"), headers, rows)],
    )


def sla_section(rows: Sequence[selectors.SlaRow]) -> Section:
    met = sum(r.met for r in rows)
    counted = met + sum(r.breached for r in rows)
    table = Table(
        "sla",
        _("Compliance by target and team"),
        [_("Target"), _("Team"), _("Met"), _("Breached"), _("Compliance")],
        [
            [
                _text(r.target_label),
                _text(r.team_label),
                _count(r.met),
                _count(r.breached),
                _rate(r.rate),
            ]
            for r in rows
        ],
    )
    overall = met / counted if counted else None
    return Section("sla", _("SLA"), [(_("Compliance"), percent(overall))], [], [table])


def _csat_table(name: str, caption: str, first: str, rows: Sequence[selectors.CsatRow]) -> Table:
    return Table(
        name,
        caption,
        [first, _("Responses"), _("Average rating"), _("Satisfied (4–5)"), _("Satisfaction")],
        [
            [
                _text(r.label),
                _count(r.responses),
                _average(r.average),
                _count(r.satisfied),
                _rate(r.rate),
            ]
            for r in rows
        ],
    )


def csat_section(c: selectors.Csat, conversation_url: Callable[[str], str]) -> Section:
    stars = [ngettext("%(count)d star", "%(count)d stars", n) % {"count": n} for n in range(1, 6)]
    comments = Table(
        "csat_comments",
        _("Latest comments"),
        [_("Conversation"), _("Rating"), _("Agent"), _("Answered"), _("Comment")],
        [
            [
                Cell(m.reference, m.reference, conversation_url(m.reference)),
                _count(m.rating),
                _text(m.agent_label),
                _text(_local_time(m.answered_at_iso)),
                _text(m.comment),
            ]
            for m in c.comments
        ],
    )
    return Section(
        "csat",
        _("Satisfaction"),
        [
            (_("Responses"), number(c.responses)),
            (_("Average rating"), "—" if c.average is None else _average(c.average).text),
            (_("Satisfaction"), percent(c.rate)),
            (_("Said they were contacted outside official channels"), number(c.contacted_outside)),
        ],
        [
            Chart(
                "csat-distribution",
                "bar",
                _("Ratings"),
                x=stars,
                y=[],
                data=list(c.distribution),
                series=_("Responses"),
            )
        ],
        [
            Table(
                "csat_distribution",
                _("Ratings"),
                [_("Rating"), _("Responses")],
                [[_text(stars[i]), _count(n)] for i, n in enumerate(c.distribution)],
            ),
            _csat_table("csat_agents", _("By agent"), _("Agent"), c.by_agent),
            _csat_table("csat_teams", _("By team"), _("Team"), c.by_team),
            comments,
        ],
    )


def _local_time(iso: str) -> str:
    moment = timezone.localtime(datetime.fromisoformat(iso))
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT", use_l10n=True)


def deflection_section(rows: Sequence[selectors.DeflectionRow]) -> Section:
    return Section(
        "deflection",
        _("Self-service"),
        [],
        [],
        [
            Table(
                "deflection",
                _("Guided flows and help-center search"),
                [_("Flow or search"), _("Started"), _("Solved"), _("Handed off"), _("Rate")],
                [
                    [
                        _text(r.label),
                        _count(r.started),
                        _count(r.solved),
                        _count(r.handed_off),
                        _rate(r.rate),
                    ]
                    for r in rows
                ],
            )
        ],
    )


def agents_section(rows: Sequence[selectors.AgentRow]) -> Section:
    return Section(
        "agents",
        _("Agents"),
        [],
        [],
        [
            Table(
                "agents",
                _("Agent activity"),
                [_("Agent"), _("Handled"), _("Replies"), _("Online"), _("Open now")],
                [
                    [
                        _text(r.label),
                        _count(r.handled),
                        _count(r.replies),
                        _duration(r.online_minutes * 60),
                        _count(r.load),
                    ]
                    for r in rows
                ],
            )
        ],
    )


def _waiting_since(w: community.Waiting) -> str:
    if w.oldest is None:
        return "—"
    return _local_time(w.oldest.isoformat())


def community_section(c: community.Community) -> Section:
    days = [formats.date_format(d.day, "MONTH_DAY_FORMAT", use_l10n=True) for d in c.days]
    waiting = [
        (_("Unanswered questions"), c.unanswered),
        (_("Without an official or accepted answer"), c.without_official),
        (_("Posts held for review"), c.held_posts),
    ]
    return Section(
        "community",
        _("Community"),
        [
            (_("Questions asked"), number(c.questions)),
            (_("Answers"), number(c.answers)),
            (_("Official answers"), number(c.official_answers)),
            (_("Solved"), percent(c.solved_rate)),
            (_("First official answer, median"), duration(c.official_median)),
            (_("First official answer, 90th percentile"), duration(c.official_p90)),
            (_("Unanswered questions now"), number(c.unanswered.count)),
            (_("Posts held for review now"), number(c.held_posts.count)),
        ],
        [
            Chart(
                "community-days",
                "line",
                _("Community questions asked by day"),
                x=days,
                y=[],
                data=[d.questions for d in c.days],
                series=_("Questions asked"),
            )
        ],
        [
            Table(
                "community_days",
                _("Community by day"),
                [_("Date"), _("Questions asked"), _("Answers"), _("Official answers"), _("Solved")],
                [
                    [
                        Cell(label, d.day.isoformat()),
                        _count(d.questions),
                        _count(d.answers),
                        _count(d.official_answers),
                        _rate(d.solved_rate),
                    ]
                    for label, d in zip(days, c.days, strict=True)
                ],
            ),
            Table(
                "community_waiting",
                _("Waiting now"),
                [
                    pgettext("community report column", "Waiting"),
                    _("Count"),
                    _("Oldest waiting since"),
                ],
                [
                    [_text(label), _count(w.count), Cell(_waiting_since(w), _iso_or_blank(w))]
                    for label, w in waiting
                ],
            ),
            Table(
                "community_official",
                _("Time to the first official answer (calendar time)"),
                [_("Questions answered officially"), _("Median"), _("90th percentile")],
                [
                    [
                        _count(c.official_count),
                        _duration(c.official_median),
                        _duration(c.official_p90),
                    ]
                ],
            ),
        ],
    )


def _iso_or_blank(w: community.Waiting) -> str:
    return "" if w.oldest is None else w.oldest.isoformat()


UrlFor = Callable[[str], str]

# Each section from its one selector call, so the page's query count stays fixed and a
# CSV download runs only the selector its table needs.
SECTIONS: dict[str, Callable[[ReportFilter, UrlFor], Section]] = {
    "volume": lambda f, url: volume_section(selectors.volume(f)),
    "times": lambda f, url: times_section(selectors.times(f)),
    "sla": lambda f, url: sla_section(selectors.sla_compliance(f)),
    "csat": lambda f, url: csat_section(selectors.csat(f), url),
    "deflection": lambda f, url: deflection_section(selectors.deflection(f)),
    "agents": lambda f, url: agents_section(selectors.agent_activity(f)),
    "community": lambda f, url: community_section(community.community(f)),
}

# The CSV export's ?table= names, and the section that holds each.
TABLES: dict[str, str] = {
    "volume_hours": "volume",
    "volume_days": "volume",
    "volume_channels": "volume",
    "volume_intents": "volume",
    "times": "times",
    "sla": "sla",
    "csat_distribution": "csat",
    "csat_agents": "csat",
    "csat_teams": "csat",
    "csat_comments": "csat",
    "deflection": "deflection",
    "agents": "agents",
    "community_days": "community",
    "community_waiting": "community",
    "community_official": "community",
}


def build_sections(f: ReportFilter, conversation_url: UrlFor) -> list[Section]:
    return [build(f, conversation_url) for build in SECTIONS.values()]


def build_table(f: ReportFilter, name: str, conversation_url: UrlFor) -> Table:
    """One table for the CSV export; `name` must be one of TABLES."""
    section = SECTIONS[TABLES[name]](f, conversation_url)
    return next(t for t in section.tables if t.name == name)


def chart_payload(sections: Sequence[Section]) -> dict[str, Any]:
    """What reports.js reads from the page's json_script: ECharts' locale and each chart."""
    return {
        "locale": chart_locale(),
        "charts": [
            {
                "id": c.id,
                "kind": c.kind,
                "x": c.x,
                "y": c.y,
                "data": c.data,
                "series": c.series,
                "max": max((p[2] if isinstance(p, list) else p for p in c.data), default=0),
            }
            for s in sections
            for c in s.charts
        ],
    }
