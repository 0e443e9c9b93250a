"""Placeholders: found at save time, filled at use time without ever failing."""

from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.canned import variables
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core.languages import Language


def test_known_placeholders_with_or_without_spaces_are_no_problem() -> None:
    text = "{{customer_name}} {{ ticket }} {{agent_name}} {{agent_id}} {{verify_url}} " + (
        "{{help_center_url}} {{portal_url}} {single brace} and }"
    )
    assert not variables.problems(text)


def test_unknown_and_malformed_placeholders_are_named() -> None:
    found = variables.problems("Hi {{name}}, see {{ticket} and {{name}} and x}}")
    assert found.unknown == ("{{name}}",)
    assert len(found.malformed) == 2


def test_every_placeholder_has_a_sample_for_the_guard() -> None:
    assert set(variables._SAMPLES) == set(variables.VARIABLES)


@pytest.fixture
def context(
    conversation_factory: Callable[..., Conversation],
    contact_factory: Callable[..., Contact],
    agent: Agent,
) -> Callable[..., variables.Context]:
    def make(name: str = "王小明", language: Language = Language.ZH_HANS) -> variables.Context:
        contact = contact_factory()
        contact.name = name
        contact.save()
        conversation = conversation_factory(contact=contact)
        return variables.Context(conversation=conversation, agent=agent, language=language)

    return make


def test_rendering_fills_every_placeholder(
    context: Callable[..., variables.Context], agent: Agent, settings: object
) -> None:
    ctx = context()
    text = variables.render(
        "{{customer_name}}您好，工单 {{ ticket }}，客服 {{agent_name}}（{{agent_id}}）。"
        "核验：{{verify_url}} 帮助：{{help_center_url}} 进度：{{portal_url}}",
        ctx,
    )
    assert text.startswith("王小明您好，工单 K-")
    assert ctx.conversation.reference in text
    assert f"{agent.display_name}（{agent.public_id}）" in text
    assert f"/portal/verify/?q={agent.public_id}" in text
    assert "/help/" in text
    assert "{" not in text
    assert "}" not in text


@pytest.mark.parametrize(
    ("language", "fallback"),
    [(Language.ZH_HANS, "用户"), (Language.ZH_HANT, "用戶"), (Language.EN, "customer")],
)
def test_a_customer_without_a_name_is_greeted_in_the_reply_language(
    context: Callable[..., variables.Context], language: Language, fallback: str
) -> None:
    assert variables.render("{{customer_name}}", context(name="  ", language=language)) == fallback


def test_rendering_never_raises_nor_leaves_braces(
    context: Callable[..., variables.Context],
) -> None:
    # A reply stored before a placeholder was retired, or written straight to the database.
    text = variables.render("Hi {{retired}} {{ticket} }} {{", context())
    assert "{{" not in text
    assert "}}" not in text
    assert text.startswith("Hi ")
