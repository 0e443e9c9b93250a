"""The reply warning (someone else replied since the form rendered) and the hard lock, as
the console and the API show them."""

import re
from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.conversations import actions
from kefu.conversations.models import Conversation, MessageKind
from tests.conftest import verified_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def colleague(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(username="colleague", display_name="Chen Jie", language="en")


@pytest.fixture
def conversation(conversation_factory: Callable[..., Conversation]) -> Conversation:
    return conversation_factory()


def url(conversation: Conversation, action: str = "reply") -> str:
    return f"/console/c/{conversation.reference}/{action}/"


def seen_on_page(client: Client, conversation: Conversation) -> str:
    html = client.get(f"/console/c/{conversation.reference}/").content.decode()
    found = re.search(r'name="seen_message_id" value="(\d+)"', html)
    assert found, "the reply form carries what its agent has seen"
    return found.group(1)


def outbound_by(conversation: Conversation, agent: Agent) -> list[str]:
    messages = conversation.messages.filter(kind=MessageKind.OUTBOUND, author_agent=agent)
    return list(messages.values_list("text", flat=True))


def test_a_reply_on_a_stale_form_is_held_back_with_what_was_sent(
    agent_client: Client, agent: Agent, colleague: Agent, conversation: Conversation
) -> None:
    seen = seen_on_page(agent_client, conversation)
    actions.send_reply(conversation=conversation, agent=colleague, text="已为您加急处理。")
    response = agent_client.post(
        url(conversation), {"text": "我们正在查询", "seen_message_id": seen}, headers=HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "A reply was sent since you opened this conversation" in html
    assert "Chen Jie" in html
    assert "已为您加急处理。" in html
    assert "Send anyway" in html
    assert "我们正在查询" in html  # the agent's text is kept
    assert outbound_by(conversation, agent) == []
    # The form now counts the colleague's reply as seen: sending again is "send anyway".
    newest = conversation.messages.order_by("-pk").first()
    assert newest is not None
    assert f'name="seen_message_id" value="{newest.pk}"' in html
    again = agent_client.post(
        url(conversation), {"text": "我们正在查询", "seen_message_id": newest.pk}, headers=HTMX
    )
    assert again.status_code == 200
    assert outbound_by(conversation, agent) == ["我们正在查询"]


def test_notes_and_the_agents_own_replies_do_not_warn(
    agent_client: Client, agent: Agent, colleague: Agent, conversation: Conversation
) -> None:
    seen = seen_on_page(agent_client, conversation)
    actions.add_note(conversation=conversation, agent=colleague, text="VIP")
    actions.send_reply(conversation=conversation, agent=agent, text="第一条")
    response = agent_client.post(
        url(conversation), {"text": "第二条", "seen_message_id": seen}, headers=HTMX
    )
    assert response.status_code == 200
    assert outbound_by(conversation, agent) == ["第一条", "第二条"]


def test_an_automatic_message_since_also_warns(
    agent_client: Client, agent: Agent, conversation: Conversation
) -> None:
    seen = seen_on_page(agent_client, conversation)
    actions.send_automatic(conversation=conversation, text="您的工单已收到。")
    response = agent_client.post(url(conversation), {"text": "您好", "seen_message_id": seen})
    assert response.status_code == 409
    assert "Automatic message" in response.content.decode()
    assert outbound_by(conversation, agent) == []


def test_a_form_without_the_field_sends_as_before(
    agent_client: Client, agent: Agent, colleague: Agent, conversation: Conversation
) -> None:
    actions.send_reply(conversation=conversation, agent=colleague, text="已处理")
    response = agent_client.post(url(conversation), {"text": "您好"}, headers=HTMX)
    assert response.status_code == 200
    assert outbound_by(conversation, agent) == ["您好"]


# ---- the hard lock on the page ------------------------------------------------------------


@pytest.fixture
def locked(conversation: Conversation, colleague: Agent) -> Conversation:
    actions.assign(conversation=conversation, actor=colleague, assignee=colleague)
    actions.handle_exposure(conversation, frozenset({"mnemonic"}))
    return conversation


def test_another_agent_sees_the_lock_instead_of_the_composer(
    agent_client: Client, agent: Agent, locked: Conversation
) -> None:
    html = agent_client.get(f"/console/c/{locked.reference}/").content.decode()
    assert "Locked by Chen Jie" in html
    assert 'id="reply-text"' not in html
    assert "Take over" not in html  # an L1 agent cannot
    response = agent_client.post(url(locked), {"text": "您好"}, headers=HTMX)
    assert response.status_code == 403
    assert "locked by its owner" in response.content.decode()
    assert outbound_by(locked, agent) == []
    assert agent_client.post(url(locked, "status"), {"status": "resolved"}).status_code == 403


def test_the_owner_keeps_the_composer(colleague: Agent, locked: Conversation) -> None:
    client = verified_client(colleague)
    html = client.get(f"/console/c/{locked.reference}/").content.decode()
    assert 'id="reply-text"' in html
    assert "Locked by" not in html


def test_a_supervisor_takes_over_from_the_page(
    agent_factory: Callable[..., Agent], colleague: Agent, locked: Conversation
) -> None:
    supervisor = agent_factory(role=Role.SUPERVISOR, language="en")
    client = verified_client(supervisor)
    html = client.get(f"/console/c/{locked.reference}/").content.decode()
    assert "Take over" in html
    response = client.post(url(locked, "assign"), {"assignee": supervisor.pk})
    assert response.status_code == 302
    html = client.get(f"/console/c/{locked.reference}/").content.decode()
    assert 'id="reply-text"' in html
    owner_page = verified_client(colleague).get(f"/console/c/{locked.reference}/")
    assert "Locked by" in owner_page.content.decode()  # the former owner is now locked out
