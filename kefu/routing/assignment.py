"""Least-busy assignment among online agents who have the skills and the capacity."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation
from kefu.routing.selectors import online_agents_with_load

if TYPE_CHECKING:
    from kefu.routing.selectors import AgentWithLoad


def online_candidates(team_id: int | None) -> list["AgentWithLoad"]:
    """Online agents (of the team, if any) with their load, least busy first."""
    return list(online_agents_with_load(team_id).order_by("load", "last_login", "pk"))


def can_take(agent: "AgentWithLoad", conversation: Conversation) -> bool:
    if agent.load >= agent.max_concurrent:
        return False
    # An empty skill list means "any"; a listed one must match.
    if agent.skill_languages and conversation.language not in agent.skill_languages:
        return False
    return not (agent.skill_intents and conversation.intent not in agent.skill_intents)


def choose(
    candidates: Sequence["AgentWithLoad"], conversation: Conversation
) -> "AgentWithLoad | None":
    """The least busy candidate who can take the conversation; ties keep list order."""
    eligible = [agent for agent in candidates if can_take(agent, conversation)]
    if not eligible:
        return None
    return min(eligible, key=lambda agent: agent.load)


def pick_assignee(conversation: Conversation) -> Agent | None:
    return choose(online_candidates(conversation.team_id), conversation)
