"""Reads about agents that more than one page needs."""

from kefu.agents.models import Agent, Team


def assignable_agents() -> list[Agent]:
    return list(Agent.objects.filter(is_active=True).order_by("display_name", "username"))


def teams() -> list[Team]:
    return list(Team.objects.order_by("name"))
