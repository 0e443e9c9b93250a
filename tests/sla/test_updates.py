"""Status-update templates: the shipped set, the choice for a case, the guard on saving."""

from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from kefu.agents.models import Agent, Role
from kefu.conversations.actions import send_reply
from kefu.conversations.models import Conversation, MessageKind
from kefu.core.intents import Intent
from kefu.safety.outbound import guard_reply
from kefu.sla.admin import UpdateTemplateForm
from kefu.sla.models import UpdateTemplate
from kefu.sla.updates import template_for, templates_for, text_for
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Refusals are read by whoever acts (agent, customer or admin), in their language.
    with translation.override("en"):
        yield


SHIPPED_INTENTS = {
    Intent.ACCOUNT_LOCKED,
    Intent.WITHDRAWAL_DELAYED,
    Intent.ACCOUNT_STOLEN,
    Intent.DEPOSIT_MISSING,
    "",
}


def test_defaults_are_shipped_for_each_case_type_in_three_languages() -> None:
    shipped = set(UpdateTemplate.objects.values_list("intent", "language"))
    assert shipped == {
        (intent, language)
        for intent in SHIPPED_INTENTS
        for language in ("zh-Hans", "zh-Hant", "en")
    }


def test_every_shipped_template_passes_the_outbound_guard(
    conversation_factory: Callable[..., Conversation], agent: Agent
) -> None:
    templates = list(UpdateTemplate.objects.all())
    assert len(templates) == 15
    for template in templates:
        conversation = conversation_factory(language=template.language, intent=template.intent)
        # Raises OutboundBlocked (and records an alert) if the text asks for a secret.
        guard_reply(conversation=conversation, agent=agent, text=text_for(template, conversation))


def test_a_case_gets_its_own_type_first_then_the_general_ones_in_its_language(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(language="zh-Hant", intent=Intent.WITHDRAWAL_DELAYED)
    templates = templates_for(conversation)
    assert [(t.intent, t.language) for t in templates] == [
        (Intent.WITHDRAWAL_DELAYED, "zh-Hant"),
        ("", "zh-Hant"),
    ]


def test_a_case_without_a_type_gets_the_general_ones(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(language="en")
    assert [t.intent for t in templates_for(conversation)] == [""]


def test_a_template_of_another_language_or_type_is_not_offered(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(language="en", intent=Intent.ACCOUNT_LOCKED)
    other = UpdateTemplate.objects.get(intent=Intent.DEPOSIT_MISSING, language="en")
    chinese = UpdateTemplate.objects.get(intent=Intent.ACCOUNT_LOCKED, language="zh-Hans")
    own = UpdateTemplate.objects.get(intent=Intent.ACCOUNT_LOCKED, language="en")
    assert template_for(conversation, other.pk) is None
    assert template_for(conversation, chinese.pk) is None
    assert template_for(conversation, own.pk) == own


def test_the_text_names_the_case(conversation_factory: Callable[..., Conversation]) -> None:
    conversation = conversation_factory(language="en", intent=Intent.ACCOUNT_LOCKED)
    template = templates_for(conversation)[0]
    text = text_for(template, conversation)
    assert conversation.reference in text
    assert "{reference}" not in text


def test_a_template_is_sent_as_the_agents_reply(
    conversation_factory: Callable[..., Conversation], agent: Agent
) -> None:
    conversation = conversation_factory(language="en", intent=Intent.DEPOSIT_MISSING)
    text = text_for(templates_for(conversation)[0], conversation)
    message = send_reply(conversation=conversation, agent=agent, text=text)
    assert message.kind == MessageKind.OUTBOUND
    assert message.author_agent == agent
    assert message.text == text


def test_the_admin_refuses_a_template_the_guard_would_block() -> None:
    form = UpdateTemplateForm(
        data={
            "intent": Intent.ACCOUNT_LOCKED,
            "language": "en",
            "title": "Unlock",
            "text": "To unlock your account, reply with your recovery phrase and 2FA code.",
        }
    )
    assert not form.is_valid()
    assert "outbound guard would block" in str(form.errors["text"])


def test_the_admin_accepts_an_honest_template() -> None:
    form = UpdateTemplateForm(
        data={
            "intent": "",
            "language": "en",
            "title": "Waiting on the chain",
            "text": "Update on {reference}: we are waiting for the network to confirm.",
        }
    )
    assert form.is_valid(), form.errors
    form.save()
    assert UpdateTemplate.objects.filter(title="Waiting on the chain").exists()


def test_an_administrator_edits_the_templates_in_the_admin(
    agent_factory: Callable[..., Agent],
) -> None:
    administrator = agent_factory(role=Role.ADMIN, is_superuser=True, language="en")
    client = verified_client(administrator)
    listing = client.get("/admin/sla/updatetemplate/")
    assert listing.status_code == 200
    assert "Unlock in progress" in listing.content.decode()
    blocked = client.post(
        "/admin/sla/updatetemplate/add/",
        {
            "intent": "",
            "language": "en",
            "title": "Fee",
            "text": "Pay the unlock fee to the safe wallet and we release your funds.",
        },
    )
    assert blocked.status_code == 200
    assert "outbound guard would block" in blocked.content.decode()
    assert not UpdateTemplate.objects.filter(title="Fee").exists()
