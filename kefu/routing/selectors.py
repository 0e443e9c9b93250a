"""Reads about the live-chat queue and agent load, each a fixed number of queries."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from kefu.agents.models import Agent, Availability
from kefu.agents.selectors import really_online
from kefu.conversations.models import PRIORITY_RANK, Conversation, Priority, Status
from kefu.inboxes.models import Channel

ACTIVE_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD)

# A chat waits for an agent while it is open and nobody holds it.
WAITING = Q(
    channel=Channel.WEBCHAT, status=Status.OPEN, assignee__isnull=True, merged_into__isnull=True
)

# A phone call an agent's phone rings with, or one they are on, takes a slot like a chat.
# The phone app's CallStatus values, named here so that routing need not import a channel.
LIVE_CALL_STATUSES = ("ringing", "in_progress")

_PRIORITY_ORDER = Case(
    *[When(priority=priority, then=Value(rank)) for priority, rank in PRIORITY_RANK.items()],
    default=Value(1),
    output_field=IntegerField(),
)


def _in_team(team_id: int | None) -> Q:
    return Q(team__isnull=True) if team_id is None else Q(team_id=team_id)


def _serving_order(chats: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Urgent before high before normal before low; within a priority, longest waiting first."""
    return chats.annotate(priority_rank=_PRIORITY_ORDER).order_by(
        "-priority_rank", "created_at", "pk"
    )


def waiting_chats(team_id: int | None) -> QuerySet[Conversation]:
    """The queue of one team (None: the chats no team holds), first to be served first."""
    return _serving_order(Conversation.objects.filter(WAITING, _in_team(team_id)))


def waiting_chats_of_teams(team_ids: Sequence[int]) -> QuerySet[Conversation]:
    """The queues an agent of these teams serves, the team-less one included, merged."""
    return _serving_order(
        Conversation.objects.filter(WAITING, Q(team__isnull=True) | Q(team_id__in=team_ids))
    )


def _ahead_of(conversation: Conversation) -> Q:
    rank = PRIORITY_RANK[Priority(conversation.priority)]
    higher = [p for p, r in PRIORITY_RANK.items() if r > rank]
    earlier = Q(created_at__lt=conversation.created_at) | Q(
        created_at=conversation.created_at, pk__lt=conversation.pk
    )
    return Q(priority__in=higher) | (Q(priority=conversation.priority) & earlier)


def queue_position(conversation: Conversation) -> int | None:
    """1-based place in its team's queue; None when it is not waiting.

    Reads the conversation afresh: a caller may hold it since before an agent took it.
    """
    current = (
        Conversation.objects.filter(WAITING, pk=conversation.pk)
        .only("pk", "priority", "created_at", "team_id")
        .first()
    )
    if current is None:
        return None
    conversation = current
    ahead = Conversation.objects.filter(
        WAITING, _ahead_of(conversation), _in_team(conversation.team_id)
    ).count()
    return ahead + 1


class _Load(TypedDict):
    load: int
    is_online: bool  # agents.selectors.really_online


if TYPE_CHECKING:
    # Only the type checker takes two arguments here.
    from django_stubs_ext import WithAnnotations

    AgentWithLoad = WithAnnotations[Agent, _Load]


def agents_with_load(team_id: int | None = None) -> "QuerySet[AgentWithLoad]":
    """Active agents annotated with `load`, the live chats they hold that are not done
    plus the phone call ringing for them or in progress, and `is_online`, whether they
    are really there to take more.

    `Agent.max_concurrent` bounds chats a person answers at once; emails and portal
    tickets wait for their turn and take no chat slot.
    """
    # Two multi-valued joins multiply each other's rows: each count is of distinct ids.
    agents = Agent.objects.filter(is_active=True).annotate(
        load=Count(
            "assigned_conversations",
            filter=Q(
                assigned_conversations__status__in=ACTIVE_STATUSES,
                assigned_conversations__channel=Channel.WEBCHAT,
            ),
            distinct=True,
        )
        + Count("calls", filter=Q(calls__status__in=LIVE_CALL_STATUSES), distinct=True),
        is_online=ExpressionWrapper(really_online(), output_field=BooleanField()),
    )
    if team_id is not None:
        agents = agents.filter(teams=team_id)
    return agents


def online_agents_with_load(team_id: int | None = None) -> "QuerySet[AgentWithLoad]":
    """The agents who may take a chat now: assignment, transfers and estimates ask here."""
    return agents_with_load(team_id).filter(is_online=True)


@dataclass(frozen=True)
class Capacity:
    agents_online: int
    slots: int  # chats the online agents can hold at once
    free: int  # of those, not taken


def online_capacity(team_id: int | None) -> Capacity:
    online = online_agents_with_load(team_id)
    # The team was filtered in SQL already.
    return capacity_of(online.only("max_concurrent", "availability", "last_seen_at"), None)


def capacity_of(agents: Iterable["AgentWithLoad"], team_id: int | None) -> Capacity:
    """Slots of the online agents among `agents` (of the team, when one is given).

    Filtering a team reads `agent.teams.all()`: prefetch it.
    """
    slots = free = count = 0
    for agent in agents:
        if not agent.is_online:
            continue
        if team_id is not None and all(team.pk != team_id for team in agent.teams.all()):
            continue
        count += 1
        slots += agent.max_concurrent
        free += max(0, agent.max_concurrent - agent.load)
    return Capacity(agents_online=count, slots=slots, free=free)


# The board lists this many waiting chats; positions stay right, being counted in order.
BOARD_LIMIT = 500
_AVAILABILITY_ORDER: dict[str, int] = {
    Availability.ONLINE: 0,
    Availability.AWAY: 1,
    Availability.OFFLINE: 2,
}


@dataclass(frozen=True)
class WaitingChat:
    conversation: Conversation
    position: int  # in its team's queue
    waited_seconds: int


@dataclass(frozen=True)
class LiveQueue:
    waiting: list[WaitingChat]
    agents: list["AgentWithLoad"]


def live_queue(now: datetime) -> LiveQueue:
    """The supervisor's board: every waiting chat in queue order, and every agent's load.

    Three queries however long the queue: positions are counted while reading the
    queues in order rather than one count per chat.
    """
    chats = (
        Conversation.objects.filter(WAITING)
        .annotate(priority_rank=_PRIORITY_ORDER)
        .select_related("contact", "team", "inbox")
        .order_by("-priority_rank", "created_at", "pk")[:BOARD_LIMIT]
    )
    seen: dict[int | None, int] = {}
    waiting = []
    for conversation in chats:
        seen[conversation.team_id] = seen.get(conversation.team_id, 0) + 1
        waited = max(0, int((now - conversation.created_at).total_seconds()))
        waiting.append(WaitingChat(conversation, seen[conversation.team_id], waited))
    # Offline agents with nothing in hand are not part of the picture.
    agents = agents_with_load().exclude(availability=Availability.OFFLINE, load=0)
    return LiveQueue(
        waiting=waiting,
        agents=sorted(
            agents.prefetch_related("teams"),
            key=lambda a: (_AVAILABILITY_ORDER[a.availability], a.display_name or a.username),
        ),
    )
