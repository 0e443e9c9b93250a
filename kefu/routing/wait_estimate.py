"""How long a waiting customer will likely wait, from recent handling times.

The agents online hold `slots` chats at once, and a chat takes `handle` seconds (the
median of the last hours), so on average a slot frees every `handle / slots` seconds.
A customer at `position` needs `position - free` slots to free before an agent takes
them: wait ≈ (position - free) × handle / slots, and nothing when a slot is free now.
With too little history (a quiet night, a fresh install) `handle` is the configured
default, KEFU_CHAT_DEFAULT_HANDLE_SECONDS. With nobody online there is no estimate.
"""

import math
import statistics
from dataclasses import dataclass
from datetime import timedelta

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

# Enough for a stable median, few enough to read on every queue change.
_SAMPLE_SIZE = 200
_MIN_SAMPLES = 5
# Every waiting customer re-reads their estimate on each queue change; the median of
# the last hours moves slowly, so it is computed once a minute, not once per customer.
_CACHE_SECONDS = 60


@dataclass(frozen=True)
class QueueStatus:
    position: int | None  # 1-based among unassigned waiting chats; None = not waiting
    estimated_wait_seconds: int | None  # None when no agent is online to estimate from
    agents_online: int


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


def seconds_to_wait(position: int, capacity: Capacity, handle: float) -> int | None:
    """The estimate for the `position`-th chat of a queue served by `capacity`."""
    if capacity.slots == 0:
        return None
    behind = position - capacity.free
    if behind <= 0:
        return 0
    return math.ceil(behind * handle / capacity.slots)


def estimate_wait(position: int, team_id: int | None) -> tuple[int | None, int]:
    """(estimated seconds or None, agents online) for the `position`-th waiting chat."""
    capacity = online_capacity(team_id)
    if capacity.slots == 0:
        return None, capacity.agents_online
    seconds = seconds_to_wait(position, capacity, handle_seconds(team_id))
    return seconds, capacity.agents_online


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
        rows.append((chat, seconds_to_wait(chat.position, capacity, handle)))
    return rows


def queue_status(conversation: Conversation) -> QueueStatus:
    position = queue_position(conversation)
    if position is None:
        return QueueStatus(
            position=None,
            estimated_wait_seconds=None,
            agents_online=online_capacity(conversation.team_id).agents_online,
        )
    seconds, online = estimate_wait(position, conversation.team_id)
    return QueueStatus(position=position, estimated_wait_seconds=seconds, agents_online=online)
