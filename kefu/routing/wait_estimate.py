"""How long a waiting customer will likely wait, from recent handling times.

The agents online hold `slots` chats at once, and a chat takes `handle` seconds (the
median of the last hours), so on average a slot frees every `handle / slots` seconds.
A customer at `position` needs `position - free` slots to free before an agent takes
them: wait ≈ (position - free) × handle / slots, and nothing when a slot is free now.
With too little history (a quiet night, a fresh install) `handle` is the configured
default, KEFU_CHAT_DEFAULT_HANDLE_SECONDS.

An inbox that does not assign automatically waits for an agent to take the chat, so a
free slot promises nothing there: every slot counts as taken. With nobody online there
is no estimate, only the reason (nobody online, or outside service hours).
"""

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel
from kefu.routing.selectors import (
    Capacity,
    LiveQueue,
    WaitingChat,
    capacity_of,
    online_capacity,
    queue_position,
)
from kefu.routing.service_hours import service_status

# Enough for a stable median, few enough to read on every queue change.
_SAMPLE_SIZE = 200
_MIN_SAMPLES = 5
# Every waiting customer re-reads their estimate on each queue change; the median of
# the last hours moves slowly, so it is computed once a minute, not once per customer.
_CACHE_SECONDS = 60


class WaitReason(StrEnum):
    """Why a waiting customer gets no estimate, or what their estimate depends on."""

    NO_AGENT_ONLINE = "no_agent_online"
    CLOSED = "closed"  # outside service hours, and nobody online
    MANUAL = "manual"  # the inbox does not assign: an agent takes the chat from the queue


@dataclass(frozen=True)
class QueueStatus:
    position: int | None  # 1-based among unassigned waiting chats; None = not waiting
    estimated_wait_seconds: int | None  # None when no agent is online to estimate from
    agents_online: int
    reason: WaitReason | None = None
    opens_at: datetime | None = None  # with CLOSED, when service hours begin again


def auto_assigns(conversation: Conversation) -> bool:
    """Whether the chat's inbox hands waiting chats to agents as slots free up."""
    return bool(conversation.inbox.config.get("auto_assign"))


def handle_seconds(team_id: int | None) -> float:
    """Median seconds from an agent's first reply to the chat's resolution, recently."""
    key = f"routing.handle_seconds.{team_id}"
    cached = cache.get(key)
    if cached is not None:
        return float(cached)
    since = timezone.now() - timedelta(hours=settings.KEFU_CHAT_HISTORY_HOURS)
    chats = Conversation.objects.filter(
        channel=Channel.WEBCHAT,
        resolved_at__gte=since,
        first_response_at__isnull=False,
        first_response_at__lte=F("resolved_at"),
    )
    if team_id is not None:
        chats = chats.filter(team_id=team_id)
    rows = chats.order_by("-resolved_at").values_list("first_response_at", "resolved_at")[
        :_SAMPLE_SIZE
    ]
    durations = [
        (resolved - responded).total_seconds()
        for responded, resolved in rows
        if responded is not None and resolved is not None
    ]
    if len(durations) >= _MIN_SAMPLES:
        value = statistics.median(durations)
    else:
        value = float(settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS)
    cache.set(key, value, _CACHE_SECONDS)
    return value


def seconds_to_wait(
    position: int, capacity: Capacity, handle: float, *, assigns: bool = True
) -> int | None:
    """The estimate for the `position`-th chat of a queue served by `capacity`.

    Without automatic assignment a free slot is not a promise: count every slot taken.
    """
    if capacity.slots == 0:
        return None
    behind = position - (capacity.free if assigns else 0)
    if behind <= 0:
        return 0
    return math.ceil(behind * handle / capacity.slots)


def board_estimates(board: LiveQueue) -> list[tuple[WaitingChat, int | None]]:
    """Each waiting chat on the supervisors' board with the estimate its customer sees.

    Capacity comes from the agents the board already read; only the handling-time
    median (cached a minute) may cost one query per team.
    """
    capacities: dict[int | None, Capacity] = {}
    rows: list[tuple[WaitingChat, int | None]] = []
    for chat in board.waiting:
        team_id = chat.conversation.team_id
        if team_id not in capacities:
            capacities[team_id] = capacity_of(board.agents, team_id)
        capacity = capacities[team_id]
        # Nobody online: no estimate, and no reason to read the handling times.
        handle = handle_seconds(team_id) if capacity.slots else 0.0
        assigns = auto_assigns(chat.conversation)
        rows.append((chat, seconds_to_wait(chat.position, capacity, handle, assigns=assigns)))
    return rows


def queue_status(conversation: Conversation) -> QueueStatus:
    """Where a chat stands and how long it will likely wait, or why that cannot be said.

    Three queries on the common path; the reason for no estimate reads the service hours.
    """
    position = queue_position(conversation)
    capacity = online_capacity(conversation.team_id)
    if position is None:
        return QueueStatus(None, None, capacity.agents_online)
    if capacity.slots == 0:
        service = service_status(conversation.team)
        if service.is_open:
            return QueueStatus(position, None, 0, WaitReason.NO_AGENT_ONLINE)
        return QueueStatus(position, None, 0, WaitReason.CLOSED, opens_at=service.next_open)
    assigns = auto_assigns(conversation)
    handle = handle_seconds(conversation.team_id)
    seconds = seconds_to_wait(position, capacity, handle, assigns=assigns)
    reason = None if assigns else WaitReason.MANUAL
    return QueueStatus(position, seconds, capacity.agents_online, reason)
