"""The SLA sweep: warnings before deadlines, breaches at them (a job of `kefu scheduler`).

Due clocks are found through the partial index on `check_at`, in order, a batch at a
time. On PostgreSQL the batch is locked with SKIP LOCKED: two hosts sweeping at once
each take other clocks, and a clock one of them handled has moved its `check_at` on
(or cleared it) before the other can see it, so each warning and breach happens once.
SQLite has one writer at a time, which gives the same guarantee.

On a breach, the first one of a conversation marks it, raises its priority one step
(so it moves up in the queue; the policy is not re-chosen for it, or a breach could
restart the very clocks it is about) and escalates it if the policy says so. A missed
status update sends the customer an automatic holding update and restarts the update
clock; the breach stays on record.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.conversations import events
from kefu.conversations.actions import send_automatic
from kefu.conversations.models import PRIORITY_RANK, Conversation, Priority
from kefu.core import audit
from kefu.core.errors import EscalationRefused, InvalidTransition
from kefu.core.languages import to_django
from kefu.routing.business_time import calendar_for
from kefu.routing.models import ServiceSchedule
from kefu.sla import clock as clocks
from kefu.sla.models import Clock, EventKind, SlaEvent, Target
from kefu.sla.notifications import BREACH, WARNING, Alert, notify

logger = logging.getLogger(__name__)

# One run handles at most this many clocks; the next run (or host) takes the rest.
BATCH = 200


@dataclass(frozen=True)
class SweepResult:
    warned: list[int]  # clock ids
    breached: list[int]

    def summary(self) -> str:
        """A log line when the sweep did something, else ""."""
        if not (self.warned or self.breached):
            return ""
        return f"warned {len(self.warned)}, breached {len(self.breached)}"


def interval() -> timedelta:
    return timedelta(seconds=settings.KEFU_SLA_SWEEP_SECONDS)


def due_clocks(now: datetime, batch: int = BATCH) -> list[Clock]:
    """The clocks to look at now, locked for this run (others skip them)."""
    return list(
        Clock.objects.filter(check_at__lte=now)
        .order_by("check_at")
        .select_related("policy", "conversation")
        .select_for_update(skip_locked=True, of=("self",))[:batch]
    )


def _recompute_changed_calendars(now: datetime) -> None:
    """Recompute the deadlines of calendars changed lately (extended hours on or off).

    Only schedules changed within the window are looked at, so a quiet run costs one
    small query; a scheduler down for longer than the window leaves older deadlines as
    they were computed.
    """
    window = max(timedelta(hours=1), 10 * interval())
    for team_id, changed_at in ServiceSchedule.objects.filter(
        changed_at__gt=now - window, changed_at__lte=now
    ).values_list("team_id", "changed_at"):
        clocks.recompute_for_team(team_id, now, computed_before=changed_at)


def run(now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    warned: list[int] = []
    breached: list[int] = []
    with transaction.atomic():
        _recompute_changed_calendars(now)
        due = due_clocks(now)
        events: list[SlaEvent] = []
        alerts: list[Alert] = []
        after: list[Clock] = []
        # Two clocks of one conversation share its row, so a first breach is seen once.
        conversations: dict[int, Conversation] = {}
        for clock in due:
            clock.conversation = conversations.setdefault(clock.conversation_id, clock.conversation)
            if clock.due_at is not None and clock.due_at <= now and clock.breached_at is None:
                clock.breached_at = now
                breached.append(clock.pk)
                events.append(_event(clock, EventKind.BREACHED, now))
                alerts.append(Alert(clock.conversation_id, clock.target, BREACH))
                after.append(clock)
            elif clock.warned_at is None:
                clock.warned_at = now
                warned.append(clock.pk)
                events.append(_event(clock, EventKind.WARNED, now))
                alerts.append(Alert(clock.conversation_id, clock.target, WARNING))
            clock.check_at = clocks.check_at(
                clock, timedelta(minutes=clock.policy.warn_before_minutes), now
            )
        _write(due, warned, breached, now)
        SlaEvent.objects.bulk_create(events)
        notify(alerts)
        marked = _mark({clock.conversation_id: clock.conversation for clock in after})
        for clock in after:
            _breach(clock, now, first=clock.conversation_id in marked)
            marked.discard(clock.conversation_id)
    return SweepResult(warned=warned, breached=breached)


def _write(due: list[Clock], warned: list[int], breached: list[int], now: datetime) -> None:
    """Store the batch in a few set-based statements, however many clocks it holds (a
    bulk_update would build a CASE per clock and field: CPU that grows with the batch)."""
    if warned:
        # Warned, not breached: the sweep looks again at the deadline.
        Clock.objects.filter(pk__in=warned).update(warned_at=now, check_at=F("due_at"))
    if breached:
        Clock.objects.filter(pk__in=breached).update(breached_at=now, check_at=None)
    acted = set(warned) | set(breached)
    for clock in due:
        if clock.pk not in acted:  # a stale check time: only moved on
            clock.save(update_fields=["check_at"])


def _event(clock: Clock, kind: str, now: datetime) -> SlaEvent:
    return SlaEvent(
        conversation_id=clock.conversation_id,
        policy_id=clock.policy_id,
        target=clock.target,
        kind=kind,
        at=now,
        due_at=clock.due_at,
    )


def _breach(clock: Clock, now: datetime, *, first: bool) -> None:
    conversation = clock.conversation
    if first and clock.policy.escalate_on_breach:
        _escalate(conversation, clock, now)
    if clock.target == Target.PERIODIC_UPDATE:
        _holding_update(conversation, now)


def _raised(priority: str) -> str:
    rank = PRIORITY_RANK[Priority(priority)]
    return next((p for p, r in PRIORITY_RANK.items() if r == rank + 1), priority)


def _mark(conversations: dict[int, Conversation]) -> set[int]:
    """The first breach of each conversation: marked for reports, one step up the queue;
    returns the ids this run marked.

    The rows are locked and re-read as unmarked first, so that of two sweeps breaching
    two clocks of one conversation at once (each locked only its own clock) exactly one
    marks, raises and escalates it: the other waits for the lock and then finds it marked.
    """
    unmarked = [pk for pk, conversation in conversations.items() if not conversation.sla_breached]
    if not unmarked:
        return set()
    rows = dict(
        Conversation.objects.select_for_update()
        .filter(pk__in=unmarked, sla_breached=False)
        .values_list("pk", "priority")
    )
    by_priority: dict[str, list[int]] = {}
    for pk, priority in rows.items():
        by_priority.setdefault(priority, []).append(pk)
    for priority, pks in by_priority.items():
        Conversation.objects.filter(pk__in=pks).update(
            sla_breached=True, priority=_raised(priority)
        )
    entries = []
    for pk, conversation in conversations.items():
        conversation.sla_breached = True
        if pk not in rows:
            continue
        previous = rows[pk]
        conversation.priority = Priority(_raised(previous))
        entries.append(
            audit.entry(
                None, "conversation.sla_breach", conversation, old=previous, new=_raised(previous)
            )
        )
    audit.record_many(entries)
    marked = [conversations[pk] for pk in rows]
    events.conversations_updated(marked, "sla_breached", "priority")
    return set(rows)


def _escalate(conversation: Conversation, clock: Clock, now: datetime) -> None:
    from kefu.sla.escalation import escalate

    # Agents of any language read it; it is written in the site's language, whatever
    # the scheduler thread last had active.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The SLA target “%(target)s” was missed.") % {
            "target": Target(clock.target).label
        }
    try:
        escalate(conversation=conversation, reason=reason, now=now)
    except EscalationRefused as refused:
        # Already with management: the breach notice reaches the supervisors anyway.
        logger.info("conversation %s not escalated on breach: %s", conversation.pk, refused)


def holding_update_text(conversation: Conversation, next_update: datetime) -> str:
    """The holding update, in the conversation's language and its team's time zone."""
    zone = ZoneInfo(calendar_for(conversation.team_id).timezone)
    local = timezone.localtime(next_update, zone)
    with translation.override(to_django(conversation.language)):
        return _("We are still investigating %(ref)s. Next update by %(time)s (%(zone)s).") % {
            "ref": conversation.reference,
            "time": local.strftime("%Y-%m-%d %H:%M"),
            "zone": zone.key,
        }


def _holding_update(conversation: Conversation, now: datetime) -> None:
    """No agent updated the customer in time: an automatic update goes out, and the
    update clock restarts from it."""
    next_update = clocks.restart_update(conversation, now)
    if next_update is None:
        return
    try:
        send_automatic(
            conversation=conversation, text=holding_update_text(conversation, next_update)
        )
    except InvalidTransition:
        logger.info("conversation %s closed before its holding update", conversation.pk)
