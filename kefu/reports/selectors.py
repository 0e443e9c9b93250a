"""What each report shows, read from the rollups (never by scanning conversations).

INTERFACE ONLY (foundation commit): the rollups helper implements these functions; the
pages are written against these names and shapes. Durations are seconds, in business time
where a calendar applies; rates are 0..1 or None when nothing was counted.
"""

from dataclasses import dataclass

from kefu.reports.filters import ReportFilter


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


def volume(f: ReportFilter) -> Volume:
    raise NotImplementedError


def times(f: ReportFilter) -> Times:
    raise NotImplementedError


def sla_compliance(f: ReportFilter) -> list[SlaRow]:
    raise NotImplementedError


def csat(f: ReportFilter) -> Csat:
    raise NotImplementedError


def deflection(f: ReportFilter) -> list[DeflectionRow]:
    raise NotImplementedError


def agent_activity(f: ReportFilter) -> list[AgentRow]:
    raise NotImplementedError
