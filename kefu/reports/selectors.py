"""What each report shows, read from the rollups (never by scanning conversations).

Every function runs a fixed number of queries whatever the data size: aggregates over the
rollup rows of the period (their count grows with the period and the number of teams,
inboxes and intents, not with conversations) plus bounded lookups — team and agent
labels, the latest CSAT comments through the answered_at index, and each agent's current
load from the assignee/status index. Durations are seconds in business time, estimated
from the histogram buckets (`kefu.reports.histogram`: within 25 % of the true value);
rates are 0..1 or None when nothing was counted.

Time zone: rollups are UTC hours; the heatmap and the days are shifted to the viewer's
zone (`ReportFilter.tz`) hour by hour, exact for whole-hour offsets (see filters.py for
half-hour zones). Guided flows have no team or inbox, so deflection ignores those filters,
and online minutes are per agent only, so they ignore every filter but the period.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Count as CountOf
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Team
from kefu.conversations.models import REFERENCE_PREFIX, Conversation, Status
from kefu.core.intents import Intent
from kefu.feedback.models import Survey
from kefu.helpcenter.models import SearchCount
from kefu.inboxes.models import Channel
from kefu.reports import histogram
from kefu.reports.filters import ReportFilter
from kefu.reports.models import (
    BUCKET_COLUMNS,
    OPENED_BY_HOUR,
    AgentRollup,
    DurationMetric,
    DurationRollup,
    FlowRollup,
    OnlineMinutes,
    Rollup,
    SlaRollup,
    grain,
)
from kefu.sla.models import Target

# The CSAT page shows this many of the latest comments.
COMMENTS = 50
ACTIVE_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD)


@dataclass(frozen=True)
class Count:
    key: str  # a channel id, an intent id, a team id as text, a date as ISO text…
    label: str  # translated, in the active language
    count: int


@dataclass(frozen=True)
class Volume:
    # heatmap[weekday][hour]: conversations opened, Monday = 0, hours in the viewer's zone
    heatmap: list[list[int]]
    by_day: list[Count]
    by_channel: list[Count]
    by_intent: list[Count]
    total: int


@dataclass(frozen=True)
class Durations:
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class TeamTimes:
    team_id: int | None
    label: str
    first_response: Durations
    resolution: Durations


@dataclass(frozen=True)
class Times:
    first_response: Durations
    resolution: Durations
    by_team: list[TeamTimes]


@dataclass(frozen=True)
class SlaRow:
    target: str  # kefu.sla.models.Target id
    target_label: str
    team_id: int | None
    team_label: str
    met: int
    breached: int
    rate: float | None  # met / (met + breached)


@dataclass(frozen=True)
class CsatRow:
    key: str  # agent or team id as text
    label: str
    responses: int
    average: float | None
    satisfied: int  # ratings 4 and 5
    rate: float | None  # satisfied / responses


@dataclass(frozen=True)
class CsatComment:
    reference: str  # K-000123
    conversation_id: int
    rating: int
    comment: str
    agent_label: str
    answered_at_iso: str


@dataclass(frozen=True)
class Csat:
    responses: int
    average: float | None
    rate: float | None
    distribution: list[int]  # counts of ratings 1..5
    contacted_outside: int  # "yes" answers to the official-channels question
    by_agent: list[CsatRow]
    by_team: list[CsatRow]
    comments: list[CsatComment]  # the latest, newest first (a bounded page)


@dataclass(frozen=True)
class DeflectionRow:
    key: str  # a flow's intent id, or "search"
    label: str
    started: int  # flow runs started / searches made
    solved: int  # solved by the customer / searches not followed by contacting support
    handed_off: int
    rate: float | None


@dataclass(frozen=True)
class AgentRow:
    agent_id: int
    label: str
    handled: int  # conversations resolved with this agent assigned
    replies: int
    online_minutes: int
    load: int  # conversations open and assigned now


Row = TypeVar("Row", Rollup, DurationRollup, SlaRollup, AgentRollup)
Filtered = TypeVar("Filtered", Rollup, DurationRollup, SlaRollup, AgentRollup, Survey, Conversation)


def _period(first: datetime, last: datetime) -> Q:
    """Rows of [first, last): the whole UTC days from daily rows, the edge hours from hourly.

    One query still (an OR of three ranges on the (daily, hour) index), so query counts
    stay fixed while the rows read grow with days rather than hours.
    """
    day_first = first.replace(hour=0) + (timedelta(days=1) if first.hour else timedelta(0))
    day_last = last.replace(hour=0)
    if day_first >= day_last:
        return grain(False, first, last)
    return (
        grain(True, day_first, day_last)
        | grain(False, first, day_first)
        | grain(False, day_last, last)
    )


def _where(rows: "QuerySet[Filtered]", f: ReportFilter) -> "QuerySet[Filtered]":
    """The filter's team, channel and inbox, on rows that carry all three."""
    if f.team_ids:
        rows = rows.filter(team_id__in=f.team_ids)
    if f.channels:
        rows = rows.filter(channel__in=f.channels)
    if f.inbox_ids:
        rows = rows.filter(inbox_id__in=f.inbox_ids)
    return rows


def _rows(model: type[Row], f: ReportFilter) -> "QuerySet[Row]":
    return _where(model.objects.filter(_period(*f.utc_range())), f).order_by()


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _team_labels() -> dict[int | None, str]:
    # Teams are few: one query for all of them keeps the count fixed.
    labels: dict[int | None, str] = dict(Team.objects.values_list("id", "name"))
    labels[None] = _("No team")
    return labels


def _agent_labels(ids: set[int]) -> dict[int, str]:
    agents = Agent.objects.filter(pk__in=ids).only("id", "display_name", "username")
    return {agent.pk: str(agent) for agent in agents}


def _local(hour: datetime, f: ReportFilter) -> datetime:
    return hour.astimezone(UTC).astimezone(f.tz)


def volume(f: ReportFilter) -> Volume:
    heatmap = [[0] * 24 for _weekday in range(7)]
    days: dict[str, int] = defaultdict(int)
    # Per row start (a day or an edge hour): opened in each UTC hour of that day.
    opened = (
        _rows(Rollup, f)
        .values_list("hour")
        .annotate(**{name: Sum(name) for name in OPENED_BY_HOUR})
    )
    for start, *by_hour in opened:
        midnight = start.astimezone(UTC).replace(hour=0)
        for utc_hour, n in enumerate(by_hour):
            if n:
                local = _local(midnight + timedelta(hours=utc_hour), f)
                heatmap[local.weekday()][local.hour] += n
                days[local.date().isoformat()] += n
    by_day = []
    for offset in range(f.days):
        day = (f.start + timedelta(days=offset)).isoformat()
        by_day.append(Count(key=day, label=day, count=days.get(day, 0)))
    # Channels and intents in one pass: their pairs are few (a channel's intents).
    per_channel: dict[str, int] = defaultdict(int)
    per_intent: dict[str, int] = defaultdict(int)
    for channel, intent, n in (
        _rows(Rollup, f).values_list("channel", "intent").annotate(n=Sum("opened"))
    ):
        per_channel[channel] += n
        per_intent[intent] += n
    channels = dict(Channel.choices)
    by_channel = [
        Count(key=channel, label=str(channels.get(channel, channel)), count=n)
        for channel, n in per_channel.items()
        if n
    ]
    intents = dict(Intent.choices)
    by_intent = [
        Count(
            key=intent,
            label=str(intents.get(intent, intent)) if intent else _("No intent"),
            count=n,
        )
        for intent, n in per_intent.items()
        if n
    ]
    by_channel.sort(key=lambda row: (-row.count, row.key))
    by_intent.sort(key=lambda row: (-row.count, row.key))
    return Volume(
        heatmap=heatmap,
        by_day=by_day,
        by_channel=by_channel,
        by_intent=by_intent,
        total=sum(row.count for row in by_channel),
    )


def _durations(counts: list[int]) -> Durations:
    return Durations(
        count=sum(counts),
        median=histogram.percentile(counts, 0.5),
        p90=histogram.percentile(counts, 0.9),
    )


def times(f: ReportFilter) -> Times:
    def empty() -> list[int]:
        return [0] * histogram.BUCKETS

    total: dict[str, list[int]] = defaultdict(empty)
    per_team: dict[int | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(empty))
    counted = (
        _rows(DurationRollup, f)
        .values_list("team_id", "metric")
        .annotate(**{name: Sum(name) for name in BUCKET_COLUMNS})
    )
    for team, metric, *counts in counted:
        per_team[team][metric] = counts
        total[metric] = [a + b for a, b in zip(total[metric], counts, strict=True)]
    labels = _team_labels()
    by_team = [
        TeamTimes(
            team_id=team,
            label=labels.get(team, str(team)),
            first_response=_durations(metrics[DurationMetric.FIRST_RESPONSE]),
            resolution=_durations(metrics[DurationMetric.RESOLUTION]),
        )
        for team, metrics in per_team.items()
    ]
    by_team.sort(key=lambda row: row.label)
    return Times(
        first_response=_durations(total[DurationMetric.FIRST_RESPONSE]),
        resolution=_durations(total[DurationMetric.RESOLUTION]),
        by_team=by_team,
    )


def sla_compliance(f: ReportFilter) -> list[SlaRow]:
    counted = (
        _rows(SlaRollup, f)
        .values_list("target", "team_id")
        .annotate(met=Sum("met"), breached=Sum("breached"))
    )
    targets = dict(Target.choices)
    teams = _team_labels()
    rows = [
        SlaRow(
            target=target,
            target_label=str(targets.get(target, target)),
            team_id=team,
            team_label=teams.get(team, str(team)),
            met=met,
            breached=breached,
            rate=_rate(met, met + breached),
        )
        for target, team, met, breached in counted
    ]
    order = list(targets)
    rows.sort(
        key=lambda row: (order.index(row.target) if row.target in order else 99, row.team_label)
    )
    return rows


def _csat_row(key: str, label: str, responses: int, total: int, satisfied: int) -> CsatRow:
    return CsatRow(
        key=key,
        label=label,
        responses=responses,
        average=total / responses if responses else None,
        satisfied=satisfied,
        rate=_rate(satisfied, responses),
    )


_CSAT_SUMS: dict[str, Any] = {
    "responses": Sum("csat_responses"),
    "total": Sum("csat_sum"),
    "r1": Sum("csat_1"),
    "r2": Sum("csat_2"),
    "r3": Sum("csat_3"),
    "r4": Sum("csat_4"),
    "r5": Sum("csat_5"),
    "outside": Sum("contacted_outside"),
}


def csat(f: ReportFilter) -> Csat:
    # One pass over the period's rows, per team; the totals are the teams' sums (teams
    # are few), which saves the database a second pass.
    per_team = [
        row
        for row in _rows(Rollup, f)
        .filter(csat_responses__gt=0)
        .values_list("team_id")
        .annotate(**_CSAT_SUMS)
    ]
    names = list(_CSAT_SUMS)
    sums = {name: sum(row[1 + i] or 0 for row in per_team) for i, name in enumerate(names)}
    responses, total = sums["responses"], sums["total"]
    distribution = [sums[f"r{rating}"] for rating in range(1, 6)]
    teams = _team_labels()
    by_team = []
    for row in per_team:
        values = dict(zip(names, row[1:], strict=True))
        team = row[0]
        by_team.append(
            _csat_row(
                str(team or ""),
                teams.get(team, str(team)),
                values["responses"],
                values["total"] or 0,
                (values["r4"] or 0) + (values["r5"] or 0),
            )
        )
    per_agent = list(
        _rows(AgentRollup, f)
        .filter(csat_responses__gt=0)
        .values_list("agent_id")
        .annotate(n=Sum("csat_responses"), s=Sum("csat_sum"), good=Sum("csat_satisfied"))
    )
    comments = list(_comments(f))
    agents = _agent_labels(
        {row[0] for row in per_agent} | {c.agent_id for c in comments if c.agent_id}
    )
    by_agent = [
        _csat_row(str(agent), agents.get(agent, str(agent)), n, s or 0, good or 0)
        for agent, n, s, good in per_agent
    ]
    by_team.sort(key=lambda row: row.label)
    by_agent.sort(key=lambda row: row.label)
    return Csat(
        responses=responses,
        average=total / responses if responses else None,
        rate=_rate(distribution[3] + distribution[4], responses),
        distribution=distribution,
        contacted_outside=sums["outside"] or 0,
        by_agent=by_agent,
        by_team=by_team,
        comments=[
            CsatComment(
                reference=f"{REFERENCE_PREFIX}{c.conversation_id:06d}",
                conversation_id=c.conversation_id,
                rating=c.rating or 0,
                comment=c.comment,
                agent_label=agents.get(c.agent_id, "") if c.agent_id else "",
                answered_at_iso=_local(c.answered_at, f).isoformat() if c.answered_at else "",
            )
            for c in comments
        ],
    )


def _comments(f: ReportFilter) -> "QuerySet[Survey]":
    first, last = f.utc_range()
    surveys = Survey.objects.filter(
        answered_at__gte=first, answered_at__lt=last, rating__isnull=False
    ).exclude(comment="")
    surveys = _where(surveys, f)
    fields = ("conversation_id", "rating", "comment", "agent_id", "answered_at")
    return surveys.only(*fields).order_by("-answered_at", "-id")[:COMMENTS]


def deflection(f: ReportFilter) -> list[DeflectionRow]:
    first, last = f.utc_range()
    runs = (
        FlowRollup.objects.filter(_period(first, last))
        .values_list("intent")
        .annotate(n=Sum("started"), solved=Sum("solved"), handed=Sum("handed_off"))
        .order_by()
    )
    intents = dict(Intent.choices)
    rows = [
        DeflectionRow(
            key=intent,
            label=str(intents.get(intent, intent)),
            started=n,
            solved=solved,
            handed_off=handed,
            rate=_rate(solved, n),
        )
        for intent, n, solved, handed in runs
    ]
    rows.sort(key=lambda row: (-row.started, row.key))
    searched = SearchCount.objects.filter(hour__gte=first, hour__lt=last).aggregate(
        n=Sum("searches"), empty=Sum("no_results")
    )
    searches, empty = searched["n"] or 0, searched["empty"] or 0
    # A search "solves" when it finds an article; whether the reader then wrote to
    # support is not tracked (the portal does not tie a search to a later conversation).
    rows.append(
        DeflectionRow(
            key="search",
            label=_("Help-center search"),
            started=searches,
            solved=searches - empty,
            handed_off=empty,
            rate=_rate(searches - empty, searches),
        )
    )
    return rows


def _load(f: ReportFilter) -> dict[int, int]:
    """Each agent's conversations open now, counted per agent through the (assignee,
    status) index: grouping all open conversations by assignee instead made SQLite walk
    that index over every conversation ever assigned (75 ms at 1,000,000)."""
    open_now = _where(
        Conversation.objects.filter(assignee=OuterRef("pk"), status__in=ACTIVE_STATUSES), f
    )
    counted = open_now.order_by().values("assignee").annotate(n=CountOf("id")).values("n")
    agents = Agent.objects.annotate(n=Subquery(counted)).values_list("pk", "n")
    return {agent: n for agent, n in agents if n}


def agent_activity(f: ReportFilter) -> list[AgentRow]:
    worked = {
        agent: (handled or 0, replies or 0)
        for agent, handled, replies in _rows(AgentRollup, f)
        .values_list("agent_id")
        .annotate(handled=Sum("handled"), replies=Sum("replies"))
    }
    first, last = f.utc_range()
    online = dict(
        OnlineMinutes.objects.filter(hour__gte=first, hour__lt=last)
        .values_list("agent_id")
        .annotate(n=Sum("minutes"))
        .order_by()
    )
    load = _load(f)
    ids = set(worked) | set(online) | set(load)
    labels = _agent_labels(ids)
    rows = [
        AgentRow(
            agent_id=agent,
            label=labels.get(agent, str(agent)),
            handled=worked.get(agent, (0, 0))[0],
            replies=worked.get(agent, (0, 0))[1],
            online_minutes=online.get(agent, 0),
            load=load.get(agent, 0),
        )
        for agent in ids
    ]
    rows.sort(key=lambda row: (-row.handled, row.label))
    return rows
