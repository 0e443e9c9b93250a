"""Reads about agents that more than one page needs."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kefu.agents.models import Agent, Availability, Team


def presence_cutoff(now: datetime | None = None) -> datetime:
    """A console heartbeat older than this no longer shows that the agent is there."""
    return (now or timezone.now()) - timedelta(seconds=settings.KEFU_AGENT_PRESENCE_SECONDS)


def really_online(now: datetime | None = None) -> Q:
    """The one meaning of "online": chose online and has a console open right now.

    Assignment, transfers and wait estimates all use it, so a demo account that never
    signed in, or an agent who closed the console without switching to offline, is
    neither given chats nor promised to waiting customers.
    """
    return Q(
        is_active=True, availability=Availability.ONLINE, last_seen_at__gte=presence_cutoff(now)
    )


def assignable_agents() -> list[Agent]:
    return list(Agent.objects.filter(is_active=True).order_by("display_name", "username"))


def teams() -> list[Team]:
    return list(Team.objects.order_by("name"))
