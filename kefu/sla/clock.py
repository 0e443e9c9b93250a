"""The SLA clocks of each conversation, moved by what happens to it (conversations.lifecycle).

Every listener reads the conversation's clocks once, changes them in memory, and writes
what changed in a few statements (`_Session.save`): the customer-message path costs a
read, an update or insert, the events and, when the earliest deadline moved, the
conversation row; no per-clock queries.

Deadlines are computed when a clock starts or resumes and stored; nothing recomputes them
on read. Business-time targets use the team's calendar (kefu.routing.business_time);
a calendar with no working time at all gives no deadline, which is stored as such with
the reason in `Clock.problem` (and logged), never as a silent "never".

A calendar changed (extended hours switched on or off, new hours, a holiday): the sweep
sees the schedule's `changed_at` move past the clocks' `computed_at` and calls
`recompute_for_team`, which recomputes each running business clock from the point where
it was last computed (`computed_at`, with the working time then left in `budget`) with
the calendar as it is now, then takes the present as the new basis. Between that point
and the change the new hours are thus assumed: with extended hours switched on it errs
towards an earlier deadline, never a later one; a clock computed after the change is
exact.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.conversations import lifecycle
from kefu.conversations.models import Conversation, Message, Status
from kefu.routing.business_time import NoWorkingTime, calendar_for
from kefu.sla.models import Clock, EventKind, SlaEvent, SlaPolicy, Target
from kefu.sla.policies import business_for, minutes_for, policy_for

logger = logging.getLogger(__name__)

# What a customer wait (pending) pauses; first response is owed whatever the status.
PAUSABLE = frozenset({Target.NEXT_RESPONSE, Target.PERIODIC_UPDATE, Target.RESOLUTION})
# Started when a conversation opens (periodic updates only if the policy has them).
ON_OPEN = (Target.FIRST_RESPONSE, Target.RESOLUTION, Target.PERIODIC_UPDATE)
FINISHED = (Status.RESOLVED, Status.CLOSED)


def _business_deadline(team_id: int | None, start: datetime, budget: timedelta) -> datetime:
    return calendar_for(team_id).add(start, budget)


def _business_left(team_id: int | None, start: datetime, end: datetime) -> timedelta:
    return calendar_for(team_id).between(start, end)


def is_active(clock: Clock) -> bool:
    return clock.fulfilled_at is None and clock.stopped_at is None


def is_running(clock: Clock) -> bool:
    return is_active(clock) and clock.paused_at is None


def check_at(clock: Clock, warn_before: timedelta, now: datetime) -> datetime | None:
    """When the sweep must next look at the clock (the contract's rule), or None."""
    if not is_running(clock) or clock.due_at is None or clock.breached_at is not None:
        return None
    warning = clock.due_at - warn_before
    if clock.warned_at is None and warning > now:
        return warning
    return clock.due_at


@dataclass
class _Session:
    """One conversation's clocks while a listener works on them."""

    conversation: Conversation
    now: datetime
    clocks: dict[str, Clock]
    dirty: dict[str, Clock] = field(default_factory=dict)
    new: dict[str, Clock] = field(default_factory=dict)
    events: list[SlaEvent] = field(default_factory=list)

    @classmethod
    def load(cls, conversation: Conversation, now: datetime) -> "_Session":
        clocks = Clock.objects.filter(conversation=conversation).select_related("policy")
        return cls(conversation, now, {clock.target: clock for clock in clocks})

    def policy(self) -> SlaPolicy | None:
        """The policy the clocks follow (one per conversation): that of a running clock,
        else of any (a live chat's clocks may all be met between two messages)."""
        for clock in self.clocks.values():
            if is_active(clock):
                return clock.policy
        return next((clock.policy for clock in self.clocks.values()), None)

    def event(self, clock: Clock, kind: str) -> None:
        self.events.append(
            SlaEvent(
                conversation=self.conversation,
                policy=clock.policy,
                target=clock.target,
                kind=kind,
                at=self.now,
                due_at=clock.due_at,
            )
        )

    def touch(self, clock: Clock) -> None:
        clock.check_at = check_at(
            clock, timedelta(minutes=clock.policy.warn_before_minutes), self.now
        )
        if clock.pk is None:
            self.new[clock.target] = clock
        else:
            self.dirty[clock.target] = clock

    def _compute(self, clock: Clock, start: datetime, budget: timedelta) -> None:
        """Set the deadline `budget` (working or calendar time) after `start`."""
        clock.computed_at, clock.budget, clock.problem = start, budget, ""
        if not clock.business:
            clock.due_at = start + budget
            return
        try:
            clock.due_at = _business_deadline(self.conversation.team_id, start, budget)
        except NoWorkingTime as error:
            clock.due_at = None
            clock.problem = (_("No deadline: %(reason)s") % {"reason": error})[:255]
            logger.warning(
                "SLA %s of conversation %s has no deadline: %s",
                clock.target,
                self.conversation.pk,
                error,
            )

    def _left(self, clock: Clock) -> timedelta:
        """The time left on a running clock, now (never negative)."""
        if clock.due_at is None:
            return clock.budget or timedelta(0)
        if clock.business:
            left = _business_left(self.conversation.team_id, self.now, clock.due_at)
        else:
            left = clock.due_at - self.now
        return max(left, timedelta(0))

    def start(self, policy: SlaPolicy, target: str, since: datetime | None = None) -> None:
        """(Re)start the target's clock from `since` (default now), if the policy has one."""
        minutes = minutes_for(policy, target)
        if minutes is None:
            return
        since = since or self.now
        clock = self.clocks.get(target) or Clock(conversation=self.conversation, target=target)
        clock.policy, clock.business, clock.started_at = policy, business_for(policy, target), since
        clock.remaining = clock.paused_at = clock.warned_at = clock.breached_at = None
        clock.fulfilled_at = clock.stopped_at = None
        self._compute(clock, since, timedelta(minutes=minutes))
        self.clocks[target] = clock
        self.event(clock, EventKind.STARTED)
        self.touch(clock)

    def retarget(self, clock: Clock, policy: SlaPolicy) -> None:
        """Follow another policy's target from the same start: the time left changes by
        the difference between the two targets (pauses so far stay credited)."""
        old = minutes_for(clock.policy, clock.target) or 0
        new = minutes_for(policy, clock.target) or 0
        delta = timedelta(minutes=new - old)
        clock.policy, clock.business = policy, business_for(policy, clock.target)
        if clock.paused_at is not None:
            clock.remaining = max((clock.remaining or timedelta(0)) + delta, timedelta(0))
            clock.budget = clock.remaining
        else:
            basis = clock.computed_at or clock.started_at
            budget = clock.budget if clock.budget is not None else timedelta(minutes=old)
            self._compute(clock, basis, max(budget + delta, timedelta(0)))
        clock.warned_at = None  # a new deadline gets its own warning
        self.event(clock, EventKind.STARTED)
        self.touch(clock)

    def pause(self, clock: Clock) -> None:
        if not is_running(clock):
            return
        clock.remaining = self._left(clock)
        clock.budget, clock.computed_at = clock.remaining, self.now
        clock.paused_at = self.now
        self.event(clock, EventKind.PAUSED)
        clock.due_at = None
        self.touch(clock)

    def resume(self, clock: Clock) -> None:
        """Run a paused (or, on reopening, stopped) clock again for the time it had left."""
        if is_running(clock) or clock.fulfilled_at is not None:
            return
        left = clock.remaining if clock.remaining is not None else self._left(clock)
        clock.paused_at = clock.stopped_at = clock.remaining = None
        self._compute(clock, self.now, left)
        self.event(clock, EventKind.RESUMED)
        self.touch(clock)

    def fulfil(self, clock: Clock) -> None:
        if not is_active(clock):
            return
        clock.fulfilled_at = self.now
        self.event(clock, EventKind.FULFILLED)
        self.touch(clock)

    def stop(self, clock: Clock) -> None:
        if not is_active(clock):
            return
        # Kept so that reopening resumes with the time that was left.
        clock.remaining = clock.remaining if clock.paused_at else self._left(clock)
        clock.stopped_at = self.now
        self.event(clock, EventKind.STOPPED)
        self.touch(clock)

    def save(self) -> None:
        """Write what changed, and the earliest running deadline onto the conversation.

        One changed clock (a customer's message starting the next response: the hot
        path) is written by itself; bulk_update builds a CASE per field and row, which
        costs more CPU than the statement it saves.
        """
        if self.new:
            Clock.objects.bulk_create(list(self.new.values()))
        if len(self.dirty) == 1:
            (clock,) = self.dirty.values()
            clock.save(update_fields=_CLOCK_FIELDS)
        elif self.dirty:
            Clock.objects.bulk_update(list(self.dirty.values()), _CLOCK_FIELDS)
        if len(self.events) == 1:
            self.events[0].save(force_insert=True)
        elif self.events:
            SlaEvent.objects.bulk_create(self.events)
        update_due(self.conversation, self.clocks.values())


_CLOCK_FIELDS = [
    "policy",
    "business",
    "started_at",
    "due_at",
    "remaining",
    "paused_at",
    "warned_at",
    "breached_at",
    "fulfilled_at",
    "stopped_at",
    "check_at",
    "problem",
    "computed_at",
    "budget",
]


def update_due(conversation: Conversation, clocks: Iterable[Clock]) -> None:
    """Copy the earliest running deadline (and its target) onto the conversation."""
    running = [c for c in clocks if is_running(c) and c.due_at is not None]
    earliest = min(running, key=lambda c: (c.due_at, c.target), default=None)
    due_at = earliest.due_at if earliest else None
    target = earliest.target if earliest else ""
    if (conversation.sla_due_at, conversation.sla_due_target) == (due_at, target):
        return
    conversation.sla_due_at, conversation.sla_due_target = due_at, target
    Conversation.objects.filter(pk=conversation.pk).update(sla_due_at=due_at, sla_due_target=target)


def _paused_targets(status: str, policy: SlaPolicy) -> frozenset[str]:
    if status == Status.PENDING or (status == Status.ON_HOLD and policy.pause_on_hold):
        return PAUSABLE
    return frozenset()


def _follow_status(session: _Session, policy: SlaPolicy) -> None:
    """Pause or resume each clock for the conversation's present status."""
    paused = _paused_targets(session.conversation.status, policy)
    for clock in list(session.clocks.values()):
        if not is_active(clock):
            continue
        if clock.target in paused:
            session.pause(clock)
        elif clock.paused_at is not None:
            session.resume(clock)


# --- the listener -------------------------------------------------------------------


def opened(conversation: Conversation, now: datetime) -> None:
    policy = policy_for(conversation)
    if policy is None:
        return
    session = _Session(conversation, now, {})
    for target in ON_OPEN:
        session.start(policy, target)
    _follow_status(session, policy)
    session.save()


def _awaits_reply(session: _Session, policy: SlaPolicy) -> bool:
    status = session.conversation.status
    return status == Status.OPEN or (status == Status.ON_HOLD and not policy.pause_on_hold)


# The conversation's own copy of its earliest deadline already says a response clock
# runs: the customer is waiting for an answer, and another message changes nothing.
_AWAITING_ANSWER = frozenset({Target.FIRST_RESPONSE, Target.NEXT_RESPONSE})


def customer_wrote(conversation: Conversation, message: Message, now: datetime) -> None:
    if conversation.status == Status.OPEN and conversation.sla_due_target in _AWAITING_ANSWER:
        return  # no query: the common case of a customer writing twice before an answer
    session = _Session.load(conversation, now)
    policy = session.policy()
    if policy is None or not _awaits_reply(session, policy):
        return
    first = session.clocks.get(Target.FIRST_RESPONSE)
    waiting = session.clocks.get(Target.NEXT_RESPONSE)
    # Until the first answer, the first-response clock is the one the customer waits on.
    if (first is None or not is_active(first)) and (waiting is None or not is_active(waiting)):
        session.start(policy, Target.NEXT_RESPONSE)
    session.save()


def agent_replied(conversation: Conversation, message: Message, now: datetime) -> None:
    # An automatic message (no agent) answers nothing; a holding update restarts the
    # update clock itself (kefu.sla.sweep).
    if message.author_agent_id is None:
        return
    session = _Session.load(conversation, now)
    policy = session.policy()
    if policy is None:
        return
    for target in (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE):
        if (clock := session.clocks.get(target)) is not None:
            session.fulfil(clock)
    update = session.clocks.get(Target.PERIODIC_UPDATE)
    if update is not None and is_active(update):
        session.fulfil(update)
        session.start(policy, Target.PERIODIC_UPDATE)
        _follow_status(session, policy)
    session.save()


def status_changed(conversation: Conversation, previous: str, now: datetime) -> None:
    session = _Session.load(conversation, now)
    if conversation.status in FINISHED:
        for clock in session.clocks.values():
            session.stop(clock)
        session.save()
        return
    if previous in FINISHED:
        _reopen(session)
    policy = session.policy()
    if policy is not None:
        _follow_status(session, policy)
    session.save()


def _reopen(session: _Session) -> None:
    """Resolution resumes with the time it had left; the customer is owed an answer."""
    resolution = session.clocks.get(Target.RESOLUTION)
    if resolution is None or resolution.stopped_at is None:
        return
    session.resume(resolution)
    first = session.clocks.get(Target.FIRST_RESPONSE)
    if first is None or first.fulfilled_at is not None:
        session.start(resolution.policy, Target.NEXT_RESPONSE)


def restart_update(conversation: Conversation, now: datetime) -> datetime | None:
    """An automatic holding update went out: the next one is due a full period later.
    Returns that deadline (None: no update clock running, or no deadline to promise)."""
    session = _Session.load(conversation, now)
    policy = session.policy()
    clock = session.clocks.get(Target.PERIODIC_UPDATE)
    if policy is None or clock is None or not is_active(clock):
        return None
    session.start(policy, Target.PERIODIC_UPDATE)
    _follow_status(session, policy)
    session.save()
    return session.clocks[Target.PERIODIC_UPDATE].due_at


def merged(source: Conversation, target: Conversation, now: datetime) -> None:
    """The duplicate's clocks stop; the target keeps, per target, the earlier deadline."""
    gone = _Session.load(source, now)
    kept = _Session.load(target, now)
    for clock in gone.clocks.values():
        if not is_running(clock) or clock.due_at is None:
            continue
        mine = kept.clocks.get(clock.target)
        if mine is not None and is_running(mine) and mine.due_at and mine.due_at <= clock.due_at:
            continue
        adopted = mine or Clock(conversation=target, target=clock.target)
        for name in _CLOCK_FIELDS:
            setattr(adopted, name, getattr(clock, name))
        kept.clocks[clock.target] = adopted
        kept.event(adopted, EventKind.STARTED)
        kept.touch(adopted)
    for clock in gone.clocks.values():
        gone.stop(clock)
    gone.save()
    if target.status in (Status.PENDING, Status.ON_HOLD) and (policy := kept.policy()):
        _follow_status(kept, policy)
    kept.save()
    if source.sla_breached and not target.sla_breached:
        target.sla_breached = True
        Conversation.objects.filter(pk=target.pk).update(sla_breached=True)


def reclassified(conversation: Conversation, now: datetime) -> None:
    """Another policy may apply now: its targets replace the running ones, from the same
    start times (a clock it has no target for stops)."""
    session = _Session.load(conversation, now)
    current = session.policy()
    policy = policy_for(conversation)
    if conversation.status in FINISHED or (
        (current.pk if current else None) == (policy.pk if policy else None)
    ):
        if current is not None:
            # Same policy, but a team change may mean another calendar.
            _recompute(session)
            session.save()
        return
    for clock in list(session.clocks.values()):
        if is_active(clock) and (policy is None or minutes_for(policy, clock.target) is None):
            session.stop(clock)
    if policy is not None:
        for target in Target.values:
            existing = session.clocks.get(target)
            if existing is not None and is_active(existing):
                session.retarget(existing, policy)
            elif existing is None and target != Target.NEXT_RESPONSE:
                if target == Target.FIRST_RESPONSE and conversation.first_response_at:
                    continue
                session.start(policy, target, since=_opened_at(conversation, target, now))
        _follow_status(session, policy)
    session.save()


def _opened_at(conversation: Conversation, target: str, now: datetime) -> datetime:
    # Updates are owed a period from now; answers and resolution since the case opened.
    return now if target == Target.PERIODIC_UPDATE else (conversation.created_at or now)


def _recompute(session: _Session) -> None:
    """Recompute each running business-time deadline with the calendar as it is now,
    then take the present as the new basis (so a later change starts from here)."""
    for clock in session.clocks.values():
        if not clock.business or not is_running(clock) or clock.due_at is None:
            continue
        if clock.computed_at is None or clock.budget is None:
            continue
        before = clock.due_at
        session._compute(clock, clock.computed_at, clock.budget)
        if clock.due_at is not None:
            clock.budget = _business_left(session.conversation.team_id, session.now, clock.due_at)
            clock.computed_at = session.now
        if clock.due_at != before:
            clock.warned_at = None  # a new deadline gets its own warning
        session.touch(clock)


# One call recomputes at most this many conversations; the next sweep takes the rest
# (those done are no longer "computed before the change").
RECOMPUTE_BATCH = 500


def recompute_for_team(
    team_id: int | None, now: datetime | None = None, *, computed_before: datetime | None = None
) -> int:
    """Recompute the running business-time deadlines of the conversations following a
    team's calendar (None: the default calendar, for teams without their own) after it
    changed, such as extended hours switched on or off; returns how many conversations.

    `computed_before`: only clocks last computed before this (the schedule's change).
    """
    now = now or timezone.now()
    due = Clock.objects.filter(
        business=True,
        due_at__isnull=False,
        paused_at__isnull=True,
        fulfilled_at__isnull=True,
        stopped_at__isnull=True,
    )
    if computed_before is not None:
        due = due.filter(computed_at__lt=computed_before)
    if team_id is not None:
        due = due.filter(conversation__team_id=team_id)
    else:
        due = due.filter(
            Q(conversation__team__isnull=True)
            | Q(conversation__team__service_schedule__isnull=True)
        )
    ids = set(due.values_list("conversation_id", flat=True)[:RECOMPUTE_BATCH])
    for conversation in Conversation.objects.filter(pk__in=ids):
        session = _Session.load(conversation, now)
        _recompute(session)
        session.save()
    return len(ids)


def install() -> None:
    lifecycle.listen(
        "sla",
        lifecycle.Listener(
            opened=opened,
            customer_wrote=customer_wrote,
            agent_replied=agent_replied,
            status_changed=status_changed,
            merged=merged,
            reclassified=reclassified,
        ),
    )
