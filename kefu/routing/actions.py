"""Writes of the live-chat queue (filling free capacity, transfers, idle chats) and of
service schedules (weekly hours, extended hours, imported holidays and make-up days)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import holidays
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.agents.models import Agent, Role, Team
from kefu.agents.permissions import require_agent, require_role
from kefu.conversations import events, holds
from kefu.conversations.actions import require_writable
from kefu.conversations.holds import require_free
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind, Status
from kefu.conversations.sequence import next_seq
from kefu.core import audit
from kefu.core.errors import TransferRefused
from kefu.core.languages import in_language
from kefu.inboxes.models import Channel
from kefu.routing.assignment import choose, online_candidates
from kefu.routing.events import queue_changed
from kefu.routing.models import (
    Holiday,
    IdleWarning,
    ServiceSchedule,
    Source,
    WeeklyHours,
    WorkingDay,
)
from kefu.routing.selectors import (
    WAITING,
    online_agents_with_load,
    waiting_chats,
    waiting_chats_of_teams,
)
from kefu.routing.shifts import Shift, check_shifts

if TYPE_CHECKING:
    from kefu.routing.selectors import AgentWithLoad

# Chats an agent is in the middle of; idle ones among them are warned, then resolved.
_HELD = (Status.OPEN, Status.PENDING)

# How far down a queue one pass looks for a chat some free agent has the skills for.
_SCAN_LIMIT = 200


def fill_queue(team_id: int | None) -> list[Conversation]:
    """Give waiting chats of one queue to online agents with free capacity, in queue order.

    Only inboxes that assign automatically take part; elsewhere agents pick from the
    queue themselves (or get chats on coming online: `take_waiting`).
    """
    chats = waiting_chats(team_id).filter(inbox__config__auto_assign=True)
    return _assign_in_order(chats, online_candidates(team_id))


def take_waiting(agent: Agent) -> list[Conversation]:
    """An agent came online: they take the longest-waiting chats of their queues at once,
    up to their capacity, whatever the inboxes' auto-assign setting, then the queues are
    rebalanced. Nothing happens for an agent who is not really online.
    """
    taken = []
    candidates = list(online_agents_with_load().filter(pk=agent.pk))
    if candidates:
        team_ids = list(agent.teams.values_list("pk", flat=True))
        taken = _assign_in_order(waiting_chats_of_teams(team_ids), candidates)
    rebalance()
    return taken


def _assign_in_order(
    chats: QuerySet[Conversation], candidates: list["AgentWithLoad"]
) -> list[Conversation]:
    """Give `chats`, in their order, to the best of `candidates` with a free slot.

    The update is conditional on the chat still being unassigned, so two processes
    filling at once never give one chat to two agents.
    """
    if not any(agent.load < agent.max_concurrent for agent in candidates):
        return []
    assigned = []
    for conversation in chats.select_related("contact")[:_SCAN_LIMIT]:
        agent = choose(candidates, conversation)
        if agent is None:
            continue
        won = Conversation.objects.filter(WAITING, pk=conversation.pk).update(assignee=agent)
        if not won:
            continue
        conversation.assignee = agent
        holds.sync_secret_lock(conversation)
        agent.load += 1
        audit.record(None, "conversation.auto_assign", conversation, assignee=agent.pk)
        events.conversation_updated(conversation, "assignee")
        assigned.append(conversation)
        if all(agent.load >= agent.max_concurrent for agent in candidates):
            break
    if assigned:
        queue_changed()
    return assigned


def fill_queues() -> list[Conversation]:
    """Fill every queue that has a waiting chat: capacity freed somewhere."""
    team_ids = (
        Conversation.objects.filter(WAITING, inbox__config__auto_assign=True)
        .order_by()
        .values_list("team_id", flat=True)
        .distinct()
    )
    assigned = []
    with transaction.atomic():
        for team_id in list(team_ids):
            assigned += fill_queue(team_id)
    return assigned


def rebalance() -> None:
    """A chat left the queue or an agent's slot: fill what freed, tell the listeners.

    A fill that assigned something has announced it already.
    """
    if not fill_queues():
        queue_changed()


def transfer(
    *,
    conversation: Conversation,
    actor: Agent,
    to_agent: Agent | None = None,
    to_team: Team | None = None,
) -> Conversation:
    """Hand a conversation to another agent, or back to a team's queue.

    The agent holding it may pass it on; anyone else needs a supervisor. The receiving
    agent must be online with a free slot: away and offline agents take no new chats.
    """
    require_agent(actor)
    require_writable(conversation)
    require_free(conversation, actor)
    if to_agent is None and to_team is None:
        raise TransferRefused(_("Choose an agent or a team to transfer to."))
    if conversation.assignee_id not in (None, actor.pk):
        require_role(actor, Role.SUPERVISOR)
    elif conversation.assignee_id is None and not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Take the conversation before transferring it."))
    if to_agent is not None:
        _check_receiver(conversation, to_agent, to_team)
    previous = conversation.assignee_id
    with transaction.atomic():
        if to_team is not None:
            conversation.team = to_team
        conversation.assignee = to_agent or _someone_else(conversation, previous)
        conversation.save(update_fields=["assignee", "team"])
        holds.sync_secret_lock(conversation)
        target = str(to_agent) if to_agent is not None else str(to_team)
        # Numbered: the customer's chat shows who has their conversation now.
        note = Message.objects.create(
            conversation=conversation,
            kind=MessageKind.SYSTEM,
            author_agent=actor,
            seq=next_seq(conversation),
            text=in_language(
                conversation.language,
                lambda: _("The conversation was transferred to %(target)s.") % {"target": target},
            ),
        )
        audit.record(
            actor,
            "conversation.transfer",
            conversation,
            previous=previous,
            assignee=to_agent.pk if to_agent else None,
            team=to_team.pk if to_team else conversation.team_id,
        )
        events.message_added(note)
        events.conversation_updated(conversation, "assignee", "team")
        # The previous holder has a free slot now.
        rebalance()
    return conversation


def _someone_else(conversation: Conversation, previous: int | None) -> Agent | None:
    """Who takes a chat sent back to a queue now, if anyone: never the agent who sent it."""
    if not conversation.inbox.config.get("auto_assign"):
        return None
    others = [a for a in online_candidates(conversation.team_id) if a.pk != previous]
    return choose(others, conversation)


def _check_receiver(conversation: Conversation, agent: Agent, team: Team | None) -> None:
    if not agent.is_active:
        raise PermissionDenied(_("This agent's account is disabled."))
    if agent.pk == conversation.assignee_id:
        raise TransferRefused(_("%(name)s already has this conversation.") % {"name": agent})
    # Really online (agents.selectors.really_online), not only set so: see the transfer list.
    receiver = online_agents_with_load().filter(pk=agent.pk).first()
    if receiver is None:
        raise TransferRefused(_("%(name)s is not online.") % {"name": agent})
    if team is not None and not agent.teams.filter(pk=team.pk).exists():
        raise TransferRefused(
            _("%(name)s is not in the team %(team)s.") % {"name": agent, "team": team}
        )
    load = receiver.load
    if load >= agent.max_concurrent:
        raise TransferRefused(
            _("%(name)s has no free chat slot (%(load)s of %(capacity)s).")
            % {"name": agent, "load": load, "capacity": agent.max_concurrent}
        )


@dataclass(frozen=True)
class IdleSweep:
    warned: list[int]  # conversation ids
    closed: list[int]

    def summary(self) -> str:
        """A log line when the sweep did something, else ""."""
        if not (self.warned or self.closed):
            return ""
        return f"warned {len(self.warned)}, resolved {len(self.closed)}"


# One sweep handles at most this many of each; the next sweep takes the rest.
_SWEEP_BATCH = 500


def sweep_idle_chats(now: datetime | None = None) -> IdleSweep:
    """Warn customers of idle chats, then resolve the chats still idle after the warning.

    A chat is idle when an agent holds it, the agent spoke last, and the customer has
    not written for KEFU_CHAT_IDLE_WARNING_MINUTES: it is the customer who went away.
    KEFU_CHAT_IDLE_CLOSE_MINUTES after the warning it is resolved (a later message from
    the customer reopens it, as on every channel).
    """
    now = now or timezone.now()
    warn_after = timedelta(minutes=settings.KEFU_CHAT_IDLE_WARNING_MINUTES)
    close_after = timedelta(minutes=settings.KEFU_CHAT_IDLE_CLOSE_MINUTES)
    with transaction.atomic():
        # Anything written since a warning makes it moot; a later lull may warn again.
        IdleWarning.objects.filter(conversation__last_message_at__gt=F("sent_at")).delete()
        closed = _close_warned(now, close_after)
        warned = _warn_idle(now, warn_after, close_after)
        if closed:
            rebalance()
    return IdleSweep(warned=warned, closed=closed)


def _close_warned(now: datetime, close_after: timedelta) -> list[int]:
    due = IdleWarning.objects.filter(
        sent_at__lte=now - close_after, conversation__status__in=_HELD
    ).select_related("conversation")
    closed = []
    for warning in due[:_SWEEP_BATCH]:
        conversation = warning.conversation
        done = Conversation.objects.filter(
            pk=conversation.pk, status__in=_HELD, last_message_at__lte=warning.sent_at
        ).update(status=Status.RESOLVED, resolved_at=now)
        warning.delete()
        if not done:
            continue
        conversation.status, conversation.resolved_at = Status.RESOLVED, now
        audit.record(
            None, "conversation.idle_resolve", conversation, warned_at=warning.sent_at.isoformat()
        )
        events.conversation_updated(conversation, "status")
        closed.append(conversation.pk)
    return closed


def _warn_idle(now: datetime, warn_after: timedelta, close_after: timedelta) -> list[int]:
    from kefu.conversations.tasks import queue_delivery

    last_spoken = Subquery(
        Message.objects.filter(
            conversation=OuterRef("pk"), kind__in=(MessageKind.INBOUND, MessageKind.OUTBOUND)
        )
        .order_by("-created_at", "-pk")
        .values("kind")[:1]
    )
    idle = (
        Conversation.objects.filter(
            channel=Channel.WEBCHAT,
            status__in=_HELD,
            assignee__isnull=False,
            merged_into__isnull=True,
            last_message_at__lte=now - warn_after,
            idle_warning__isnull=True,
        )
        .annotate(last_spoken=last_spoken)
        .filter(last_spoken=MessageKind.OUTBOUND)
        .select_related("contact")
    )
    minutes = settings.KEFU_CHAT_IDLE_CLOSE_MINUTES
    warned = []
    for conversation in idle[:_SWEEP_BATCH]:
        message = Message.objects.create(
            conversation=conversation,
            kind=MessageKind.OUTBOUND,
            text=in_language(conversation.language, lambda: _idle_warning(minutes)),
            delivery_status=DeliveryStatus.QUEUED,
            seq=next_seq(conversation),
        )
        IdleWarning.objects.create(conversation=conversation, message=message, sent_at=now)
        queue_delivery(message.pk)
        events.message_added(message)
        warned.append(conversation.pk)
    return warned


def _idle_warning(minutes: int) -> str:
    return ngettext(
        "Are you still there? This chat will close in %(minutes)s minute if we do not "
        "hear from you. You can always write again to reopen it.",
        "Are you still there? This chat will close in %(minutes)s minutes if we do not "
        "hear from you. You can always write again to reopen it.",
        minutes,
    ) % {"minutes": minutes}


def set_extended_hours(*, actor: Agent, schedule: ServiceSchedule, on: bool) -> ServiceSchedule:
    """Open a team around the clock while markets are volatile (supervisors), or stop.

    SLA clocks follow: extended hours count as working time.
    """
    require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        schedule.extended_hours = on
        schedule.changed_at = timezone.now()
        schedule.save(update_fields=["extended_hours", "changed_at"])
        audit.record(actor, "service_hours.extended", schedule, on=on)
        # Customers' widgets re-read whether chat is open.
        queue_changed()
    return schedule


def mark_schedule_changed(schedule: ServiceSchedule) -> None:
    """The schedule, its hours or its special days changed: cached calendars rebuild."""
    schedule.changed_at = timezone.now()
    ServiceSchedule.objects.filter(pk=schedule.pk).update(changed_at=schedule.changed_at)


def set_weekly_hours(
    *, actor: Agent, schedule: ServiceSchedule, shifts: Sequence[Shift]
) -> ServiceSchedule:
    """Replace the schedule's weekly hours (administrators); overlapping shifts are refused.

    An empty week is refused too unless extended hours are on: without hours no chat
    would open and no business-time deadline could be computed.
    """
    require_role(actor, Role.ADMIN)
    if not shifts and not schedule.extended_hours:
        raise ValidationError(no_weekly_hours_message(), code="no_weekly_hours")
    check_shifts(shifts)
    with transaction.atomic():
        schedule.hours.all().delete()
        WeeklyHours.objects.bulk_create(
            WeeklyHours(schedule=schedule, weekday=s.weekday, opens=s.opens, closes=s.closes)
            for s in shifts
        )
        mark_schedule_changed(schedule)
        audit.record(actor, "service_hours.weekly_hours", schedule, shifts=[str(s) for s in shifts])
        # Customers' widgets re-read whether chat is open.
        queue_changed()
    return schedule


def no_weekly_hours_message() -> str:
    return _(
        "Set at least one row of weekly hours, or switch extended hours on: without working "
        "time chat never opens and no deadline can be computed."
    )


@dataclass(frozen=True)
class CalendarImport:
    """What one year's import did to a schedule."""

    year: int
    holidays: int  # the library's holidays that year
    working_days: int  # the library's make-up workdays that year
    created: int
    updated: int
    removed: int  # imported earlier, no longer reported by the library
    kept_local: int  # dates a local holiday or make-up day decides instead


def import_calendar(
    *,
    schedule: ServiceSchedule,
    years: Iterable[int],
    progress: Callable[[CalendarImport], None] | None = None,
) -> list[CalendarImport]:
    """Fill holidays and make-up workdays from the `holidays` library (bundled data,
    no network) for the schedule's country. Safe to run again: it only adds, renames and
    removes imported entries, and never touches local ones.
    """
    if not schedule.country:
        raise ValidationError(
            _("“%(schedule)s” has no holiday calendar country set."),
            code="no_country",
            params={"schedule": str(schedule)},
        )
    country_class = type(holidays.country_holidays(schedule.country))
    results = []
    for year in years:
        library = holidays.country_holidays(
            schedule.country, years=year, language=country_class.default_language
        )
        wanted_holidays = {day: name for day, name in library.items() if day.year == year}
        wanted_days = {day for day in library.weekend_workdays if day.year == year}
        with transaction.atomic():
            result = _import_year(schedule, year, wanted_holidays, wanted_days)
            if result.created or result.updated or result.removed:
                mark_schedule_changed(schedule)
            audit.record(
                None,
                "service_hours.calendar_import",
                schedule,
                year=year,
                country=schedule.country,
                created=result.created,
                updated=result.updated,
                removed=result.removed,
            )
        if progress is not None:
            progress(result)
        results.append(result)
    return results


def _import_year(
    schedule: ServiceSchedule, year: int, wanted_holidays: dict[date, str], wanted_days: set[date]
) -> CalendarImport:
    in_year = {"schedule": schedule, "date__year": year}
    local = {
        *Holiday.objects.filter(**in_year, source=Source.LOCAL).values_list("date", flat=True),
        *WorkingDay.objects.filter(**in_year, source=Source.LOCAL).values_list("date", flat=True),
    }
    old_holidays = {h.date: h for h in Holiday.objects.filter(**in_year, source=Source.IMPORTED)}
    old_days = {d.date: d for d in WorkingDay.objects.filter(**in_year, source=Source.IMPORTED)}
    # Drop first: a date can move from make-up day to holiday between library versions.
    stale_holidays = [h.pk for day, h in old_holidays.items() if day not in wanted_holidays]
    stale_days = [d.pk for day, d in old_days.items() if day not in wanted_days]
    Holiday.objects.filter(pk__in=stale_holidays).delete()
    WorkingDay.objects.filter(pk__in=stale_days).delete()
    created = updated = kept_local = 0
    for day, name in sorted(wanted_holidays.items()):
        if day in local:
            kept_local += 1
            continue
        existing = old_holidays.get(day)
        if existing is None:
            Holiday.objects.create(schedule=schedule, date=day, name=name, source=Source.IMPORTED)
            created += 1
        elif existing.name != name:
            existing.name = name
            existing.save(update_fields=["name"])
            updated += 1
    for day in sorted(wanted_days):
        if day in local:
            kept_local += 1
        elif day not in old_days:
            WorkingDay.objects.create(schedule=schedule, date=day, source=Source.IMPORTED)
            created += 1
    return CalendarImport(
        year=year,
        holidays=len(wanted_holidays),
        working_days=len(wanted_days),
        created=created,
        updated=updated,
        removed=len(stale_holidays) + len(stale_days),
        kept_local=kept_local,
    )
