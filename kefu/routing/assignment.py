"""Least-busy assignment among online agents who have the skills and the capacity."""

from django.db.models import Count, Q

from kefu.agents.models import Agent, Availability
from kefu.conversations.models import Conversation, Status

_ACTIVE = [Status.OPEN, Status.PENDING, Status.ON_HOLD]


def pick_assignee(conversation: Conversation) -> Agent | None:
    candidates = Agent.objects.filter(is_active=True, availability=Availability.ONLINE).annotate(
        load=Count("assigned_conversations", filter=Q(assigned_conversations__status__in=_ACTIVE))
    )
    if conversation.team_id is not None:
        candidates = candidates.filter(teams=conversation.team_id)
    best: Agent | None = None
    for agent in candidates.order_by("load", "last_login", "pk"):
        if agent.load >= agent.max_concurrent:
            continue
        # An empty skill list means "any"; a listed one must match.
        if agent.skill_languages and conversation.language not in agent.skill_languages:
            continue
        if agent.skill_intents and conversation.intent not in agent.skill_intents:
            continue
        best = agent
        break
    return best
