"""The supervisors' safety-alert list: who sees it, what it shows, marking alerts as seen."""

from collections.abc import Callable
from urllib.parse import quote

import pytest
from django.test import Client
from mnemonic import Mnemonic

from kefu.agents.models import Agent, Role
from kefu.conversations import actions
from kefu.conversations.models import Conversation
from kefu.safety.actions import raise_alert
from kefu.safety.findings import RECOVERY_PHRASE
from kefu.safety.guard_explanations import ASKS_RECOVERY_PHRASE
from kefu.safety.models import SafetyAlert
from kefu.safety.outbound import OutboundBlocked
from tests.conftest import verified_client
from tests.core.test_ids import HOSTILE_IDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR, language="en")


@pytest.fixture
def supervisor_client(supervisor: Agent) -> Client:
    return verified_client(supervisor)


def _exposed(conversation: Conversation) -> SafetyAlert:
    return raise_alert(
        kind=SafetyAlert.Kind.SECRET_EXPOSED, conversation=conversation, reasons=[RECOVERY_PHRASE]
    )


def test_l1_agents_are_refused(agent_client):
    assert agent_client.get("/console/safety/alerts/").status_code == 403


def test_supervisors_see_the_link_and_l1_agents_do_not(agent_client, supervisor_client):
    assert "/console/safety/alerts/" not in agent_client.get("/console/").content.decode()
    assert "/console/safety/alerts/" in supervisor_client.get("/console/").content.decode()


def test_the_list_explains_each_alert_in_the_readers_language(
    supervisor_client, supervisor, conversation_factory, agent_factory
):
    conversation = conversation_factory()
    misled = agent_factory(role=Role.L1, display_name="Zhou Min")
    _exposed(conversation)
    raise_alert(
        kind=SafetyAlert.Kind.OUTBOUND_BLOCKED,
        conversation=conversation,
        reasons=[ASKS_RECOVERY_PHRASE],
        agent=misled,
    )
    html = supervisor_client.get("/console/safety/alerts/").content.decode()
    assert "2 to review" in html
    assert conversation.reference in html
    assert "[recovery phrase removed]" in html
    assert "Zhou Min" in html
    assert misled.public_id in html
    assert "Support never asks" in html
    supervisor.language = "zh-Hans"
    supervisor.save(update_fields=["language"])
    html = supervisor_client.get("/console/safety/alerts/").content.decode()
    assert "[助记词已移除]" in html
    assert "安全提醒" in html


def test_a_blocked_reply_is_shown_redacted_and_escaped_with_labels_in_the_readers_language(
    supervisor_client, supervisor, conversation_factory, agent
):
    phrase = Mnemonic("english").to_mnemonic(bytes(range(16)))
    text = f"<b>Urgent</b> check your wallet {phrase}\nthen send me the s e e d phrase again"
    with pytest.raises(OutboundBlocked):
        actions.send_reply(conversation=conversation_factory(), agent=agent, text=text)
    html = supervisor_client.get("/console/safety/alerts/").content.decode()
    assert "The reply that was blocked, with any secret removed:" in html
    assert "&lt;b&gt;Urgent&lt;/b&gt; check your wallet" in html
    assert "<b>Urgent</b>" not in html
    assert "send me the s e e d phrase again" in html
    assert phrase.split()[0] not in html
    assert "[助记词已移除]" in html  # the conversation's language, where it was redacted
    supervisor.language = "zh-Hant"
    supervisor.save(update_fields=["language"])
    html = supervisor_client.get("/console/safety/alerts/").content.decode()
    assert "被攔截的回覆（已移除其中的機密資訊）：" in html
    assert "send me the s e e d phrase again" in html


def test_an_exposed_secret_shows_no_text(supervisor_client, conversation_factory):
    conversation = conversation_factory()
    raise_alert(
        kind=SafetyAlert.Kind.SECRET_EXPOSED,
        conversation=conversation,
        reasons=[RECOVERY_PHRASE],
        blocked_reply="a customer's words must never be copied here",
    )
    html = supervisor_client.get("/console/safety/alerts/").content.decode()
    assert conversation.reference in html
    assert "with any secret removed" not in html
    assert "must never be copied" not in html
    assert SafetyAlert.objects.get().text == ""


def test_marking_as_seen_moves_the_alert_to_the_seen_list(
    supervisor_client, supervisor, conversation_factory
):
    alert = _exposed(conversation_factory())
    response = supervisor_client.post(f"/console/safety/alerts/{alert.pk}/seen/")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor
    assert "Nothing to review." in supervisor_client.get("/console/safety/alerts/").content.decode()
    seen = supervisor_client.get("/console/safety/alerts/?seen=1").content.decode()
    assert alert.conversation is not None
    assert alert.conversation.reference in seen


def test_l1_agents_cannot_mark_alerts_as_seen(agent_client, conversation_factory):
    alert = _exposed(conversation_factory())
    assert agent_client.post(f"/console/safety/alerts/{alert.pk}/seen/").status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_marking_twice_keeps_the_first_supervisor(
    supervisor_client, supervisor, agent_factory, conversation_factory
):
    alert = _exposed(conversation_factory())
    supervisor_client.post(f"/console/safety/alerts/{alert.pk}/seen/")
    other = verified_client(agent_factory(role=Role.SUPERVISOR))
    other.post(f"/console/safety/alerts/{alert.pk}/seen/")
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor


def test_an_unknown_alert_is_404(supervisor_client):
    assert supervisor_client.post("/console/safety/alerts/999999/seen/").status_code == 404


@pytest.mark.parametrize("alert_id", HOSTILE_IDS)
def test_a_hostile_alert_id_is_404(supervisor_client, alert_id):
    path = f"/console/safety/alerts/{quote(alert_id, safe='')}/seen/"
    assert supervisor_client.post(path).status_code == 404


def test_the_list_query_count_does_not_grow_with_alerts(
    supervisor_client, conversation_factory, django_assert_max_num_queries
):
    for _ in range(20):
        _exposed(conversation_factory())
    with django_assert_max_num_queries(12):
        supervisor_client.get("/console/safety/alerts/")
