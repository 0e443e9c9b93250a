"""Which canned replies an agent sees, finds and may change; a reply in a conversation's
language, filled in."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kefu.agents.models import Agent, Role, Team
from kefu.canned import variables
from kefu.canned.models import CannedReply, Scope
from kefu.conversations.models import Conversation
from kefu.core.languages import Language

# The composer's list is a pick-list, not a search page: a short one stays readable.
COMPOSER_LIMIT = 8
PAGE_SIZE = 200

# When a reply has no version in the conversation's language, the closest one is used:
# the other Chinese script before English for Chinese readers, Simplified (the larger
# readership) before Traditional for English ones.
FALLBACK = {
    Language.ZH_HANS: (Language.ZH_HANS, Language.ZH_HANT, Language.EN),
    Language.ZH_HANT: (Language.ZH_HANT, Language.ZH_HANS, Language.EN),
    Language.EN: (Language.EN, Language.ZH_HANS, Language.ZH_HANT),
}


def visible_to(agent: Agent) -> QuerySet[CannedReply]:
    """Global replies, the agent's own personal ones, and those of the agent's teams."""
    teams = Team.objects.filter(agents=agent).values("pk")
    return CannedReply.objects.filter(
        Q(scope=Scope.GLOBAL)
        | Q(scope=Scope.PERSONAL, owner=agent)
        | Q(scope=Scope.TEAM, team__in=teams)
    )


def search(agent: Agent, query: str = "", scope: str = "") -> QuerySet[CannedReply]:
    """The replies `agent` sees whose shortcut starts with, or title or text holds, `query`."""
    replies = visible_to(agent).select_related("team", "owner")
    if scope in Scope.values:
        replies = replies.filter(scope=scope)
    query = query.strip()
    if query:
        replies = replies.filter(
            Q(shortcut__istartswith=query)
            | Q(title__icontains=query)
            | Q(body_zh_hans__icontains=query)
            | Q(body_zh_hant__icontains=query)
            | Q(body_en__icontains=query)
        )
    return replies


def for_composer(agent: Agent, query: str) -> list[CannedReply]:
    """What "/query" offers: matches on shortcut or title (the text is too noisy for a
    pick-list), most used first."""
    replies = visible_to(agent)
    query = query.strip()
    if query:
        replies = replies.filter(Q(shortcut__istartswith=query) | Q(title__icontains=query))
    return list(replies[:COMPOSER_LIMIT])


def visible_reply(agent: Agent, reply_id: int) -> CannedReply | None:
    return visible_to(agent).filter(pk=reply_id).first()


def can_manage(agent: Agent, scope: str, team: Team | None, owner_id: int | None) -> bool:
    """Agents keep their own personal replies; supervisors write the global ones and those
    of a team they belong to; administrators any."""
    if agent.has_role(Role.ADMIN):
        return scope != Scope.PERSONAL or owner_id in (None, agent.pk)
    if scope == Scope.PERSONAL:
        return owner_id in (None, agent.pk)
    if not agent.has_role(Role.SUPERVISOR):
        return False
    if scope == Scope.TEAM:
        return team is not None and agent.teams.filter(pk=team.pk).exists()
    return True


def manageable_teams(agent: Agent) -> QuerySet[Team]:
    """The teams `agent` may write team replies for."""
    if agent.has_role(Role.ADMIN):
        return Team.objects.order_by("name")
    if agent.has_role(Role.SUPERVISOR):
        return Team.objects.filter(agents=agent).order_by("name")
    return Team.objects.none()


@dataclass(frozen=True)
class Rendered:
    reply: CannedReply
    language: Language
    text: str


def in_language(reply: CannedReply, language: str) -> tuple[Language, str]:
    """The reply's version for `language`, or the closest one it has (FALLBACK)."""
    wanted = Language(language) if language in Language.values else Language.ZH_HANS
    for candidate in FALLBACK[wanted]:
        if body := reply.body(candidate):
            return candidate, body
    return wanted, ""  # unreachable for a stored reply: the database requires a body


def rendered(
    replies: list[CannedReply], conversation: Conversation, agent: Agent
) -> list[Rendered]:
    """Each reply as it would be sent in `conversation` by `agent`: language picked,
    placeholders filled."""
    result = []
    for reply in replies:
        language, body = in_language(reply, conversation.language)
        context = variables.Context(conversation=conversation, agent=agent, language=language)
        result.append(Rendered(reply, language, variables.render(body, context)))
    return result
