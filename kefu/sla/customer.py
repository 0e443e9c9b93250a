"""The case's state as the customer reads it, and when they can expect the next answer.

The customer is not shown the agents' statuses or SLA targets: they are told who has the
case now (support, the technical team, management), whether it waits for them, and a
time. The time is the running response deadline (stored on the conversation, so nothing
is recomputed here); without one, when the team is next open.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kefu.conversations.models import Conversation, Status, Tier
from kefu.core.languages import to_django
from kefu.routing.service_hours import ServiceStatus, schedule_for, status_of
from kefu.sla.models import Target

_RESPONSE_TARGETS = (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE)


class CaseStep(TextChoices):
    RECEIVED = "received", pgettext_lazy("case state for the customer", "Received")
    HANDLED = "handled", pgettext_lazy("case state for the customer", "Being handled by support")
    TECHNICAL = (
        "technical",
        pgettext_lazy("case state for the customer", "Escalated to the technical team"),
    )
    MANAGEMENT = (
        "management",
        pgettext_lazy("case state for the customer", "Under review by management"),
    )
    WAITING_FOR_YOU = (
        "waiting",
        pgettext_lazy("case state for the customer", "Waiting for your reply"),
    )
    RESOLVED = "resolved", pgettext_lazy("case state for the customer", "Resolved")


@dataclass(frozen=True)
class CaseState:
    step: CaseStep
    label: str
    # When the next answer is expected (the deadline, or when the team opens), if known.
    next_answer_at: datetime | None
    # The sentence that tells the customer about it, in their language ("" if nothing).
    next_answer: str
    # The case is past what was promised.
    late: bool


def step_of(conversation: Conversation) -> CaseStep:
    if conversation.status in (Status.RESOLVED, Status.CLOSED) or conversation.merged_into_id:
        return CaseStep.RESOLVED
    if conversation.status == Status.PENDING:
        return CaseStep.WAITING_FOR_YOU
    if conversation.tier == Tier.MANAGEMENT:
        return CaseStep.MANAGEMENT
    if conversation.tier == Tier.L2:
        return CaseStep.TECHNICAL
    if conversation.assignee_id is not None or conversation.first_response_at is not None:
        return CaseStep.HANDLED
    return CaseStep.RECEIVED


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _format(at: datetime, zone: ZoneInfo) -> str:
    # Digits and the zone's name read the same in every language the portal speaks.
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})"


class _Teams:
    """Each team's schedule looked up once, however many of its cases a list shows."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._seen: dict[int | None, tuple[ZoneInfo, ServiceStatus]] = {}

    def get(self, conversation: Conversation) -> tuple[ZoneInfo, ServiceStatus]:
        key = conversation.team_id
        if key not in self._seen:
            schedule = schedule_for(conversation.team)
            zone = _zone(schedule.timezone if schedule else "") or ZoneInfo(settings.TIME_ZONE)
            self._seen[key] = (zone, status_of(schedule, self.now))
        return self._seen[key]


def _next_answer(
    conversation: Conversation, step: CaseStep, teams: _Teams, reader_zone: str | None
) -> tuple[datetime | None, str, bool]:
    if step in (CaseStep.RESOLVED, CaseStep.WAITING_FOR_YOU):
        return None, "", False
    now = teams.now
    team_zone, service = teams.get(conversation)
    customer_zone = reader_zone if reader_zone is not None else conversation.contact.timezone
    zone = _zone(customer_zone) or team_zone
    due = conversation.sla_due_at
    late = conversation.sla_breached or (due is not None and due <= now)
    if due is not None and due > now and conversation.sla_due_target in _RESPONSE_TARGETS:
        return due, _("We expect to answer by %(time)s.") % {"time": _format(due, zone)}, late
    if late:
        return None, _("We are later than we promised; your case is being given priority."), late
    if not service.is_open and service.next_open is not None:
        opens = service.next_open
        text = _("Our team is away now and back at %(time)s.") % {"time": _format(opens, zone)}
        return opens, text, late
    return None, "", late


def case_states(
    conversations: list[Conversation],
    language: str,
    now: datetime | None = None,
    *,
    reader_zone: str | None = None,
    with_next_answer: bool = True,
) -> list[CaseState]:
    """The state of each conversation, as read in `language`.

    Times are shown in `reader_zone` (the signed-in customer's), else in each case's
    customer's time zone, else in the team's. A list that shows only the labels passes
    `with_next_answer=False` and reads no service hours.
    """
    teams = _Teams(now or timezone.now())
    states = []
    with translation.override(to_django(language)):
        for conversation in conversations:
            step = step_of(conversation)
            if with_next_answer:
                at, text, late = _next_answer(conversation, step, teams, reader_zone)
            else:
                at, text, late = None, "", False
            states.append(CaseState(step, str(step.label), at, text, late))
    return states


def case_state(
    conversation: Conversation,
    language: str,
    now: datetime | None = None,
    *,
    reader_zone: str | None = None,
) -> CaseState:
    return case_states([conversation], language, now, reader_zone=reader_zone)[0]
