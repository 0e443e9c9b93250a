"""Who sees which canned replies, and a reply in the conversation's language."""

from collections.abc import Callable

import pytest

from kefu.agents.models import Agent, Team
from kefu.canned import actions, selectors
from kefu.canned.models import CannedReply, Scope
from kefu.conversations.models import Conversation
from kefu.core.languages import Language
from tests.canned.conftest import reply_input


def _titles(replies: object) -> set[str]:
    return {reply.title for reply in replies}  # type: ignore[attr-defined]


def test_personal_replies_are_their_owners_and_team_replies_their_teams(
    agent_factory: Callable[..., Agent], supervisor: Agent, team: Team
) -> None:
    member, outsider = agent_factory(), agent_factory()
    member.teams.add(team)
    actions.create_canned_reply(actor=member, data=reply_input(title="Mine", shortcut="mine"))
    actions.create_canned_reply(
        actor=supervisor,
        data=reply_input(title="Payments", shortcut="pay", scope=Scope.TEAM, team=team),
    )
    actions.create_canned_reply(
        actor=supervisor, data=reply_input(title="All", shortcut="all", scope=Scope.GLOBAL)
    )
    assert _titles(selectors.visible_to(member)) == {"Mine", "Payments", "All"}
    assert _titles(selectors.visible_to(outsider)) == {"All"}
    # A supervisor does not read an agent's personal replies either.
    assert _titles(selectors.visible_to(supervisor)) == {"Payments", "All"}


def test_search_matches_shortcut_prefix_title_and_text_and_filters_scope(
    agent: Agent, supervisor: Agent
) -> None:
    actions.create_canned_reply(
        actor=agent, data=reply_input(title="提现待处理", shortcut="withdrawal-48h")
    )
    actions.create_canned_reply(
        actor=supervisor,
        data=reply_input(
            title="Memo", shortcut="deposit-memo", scope=Scope.GLOBAL, en="XRP needs a tag."
        ),
    )
    assert _titles(selectors.search(agent, "withd")) == {"提现待处理"}
    assert _titles(selectors.search(agent, "提现")) == {"提现待处理"}
    assert _titles(selectors.search(agent, "xrp")) == {"Memo"}
    assert _titles(selectors.search(agent, "", Scope.GLOBAL)) == {"Memo"}
    assert _titles(selectors.for_composer(agent, "dep")) == {"Memo"}
    # The pick-list does not search the text: "/xrp" should not offer every deposit reply.
    assert selectors.for_composer(agent, "xrp") == []


def test_the_pick_list_offers_the_most_used_first(agent: Agent) -> None:
    first = actions.create_canned_reply(actor=agent, data=reply_input(title="A", shortcut="a"))
    second = actions.create_canned_reply(actor=agent, data=reply_input(title="B", shortcut="b"))
    actions.record_use(agent=agent, reply=second)
    assert [reply.pk for reply in selectors.for_composer(agent, "")] == [second.pk, first.pk]


@pytest.mark.parametrize(
    ("conversation_language", "versions", "picked"),
    [
        (Language.ZH_HANT, ("zh_hans", "zh_hant", "en"), Language.ZH_HANT),
        (Language.ZH_HANT, ("zh_hans", "en"), Language.ZH_HANS),
        (Language.ZH_HANS, ("zh_hant", "en"), Language.ZH_HANT),
        (Language.EN, ("zh_hant", "zh_hans"), Language.ZH_HANS),
        (Language.EN, ("en",), Language.EN),
        (Language.ZH_HANS, ("en",), Language.EN),
    ],
)
def test_a_reply_is_rendered_in_the_conversation_language_or_the_closest(
    agent: Agent,
    conversation_factory: Callable[..., Conversation],
    conversation_language: Language,
    versions: tuple[str, ...],
    picked: Language,
) -> None:
    texts = {"zh_hans": "简体 {{ticket}}", "zh_hant": "繁體 {{ticket}}", "en": "English {{ticket}}"}
    reply = actions.create_canned_reply(
        actor=agent, data=reply_input(**{version: texts[version] for version in versions})
    )
    conversation = conversation_factory(language=conversation_language)
    [rendered] = selectors.rendered([reply], conversation, agent)
    assert rendered.language == picked
    column = {Language.ZH_HANS: "zh_hans", Language.ZH_HANT: "zh_hant", Language.EN: "en"}
    expected = texts[column[picked]].replace("{{ticket}}", conversation.reference)
    assert rendered.text == expected


def test_can_manage_follows_scope_and_team(agent: Agent, supervisor: Agent, team: Team) -> None:
    reply = CannedReply(scope=Scope.TEAM, team=team)
    assert selectors.can_manage(supervisor, reply.scope, team, None)
    assert not selectors.can_manage(agent, reply.scope, team, None)
    assert list(selectors.manageable_teams(supervisor)) == [team]
    assert list(selectors.manageable_teams(agent)) == []
