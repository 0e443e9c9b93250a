"""The customer's view of an SLA case: its state, the next answer, and asking to escalate."""

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.agents.models import Team
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation, MessageKind, Status, Tier
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Channel, Inbox
from kefu.sla.models import Escalation, EscalationRoute
from tests.portal.conftest import client_reading

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def technical_team() -> Team:
    team = Team.objects.create(name="Technical", slug="technical")
    EscalationRoute.objects.create(team=None, tier=Tier.L2, to_team=team)
    return team


def _late(conversation: Conversation) -> Conversation:
    conversation.sla_due_at = timezone.now() - timedelta(minutes=5)
    conversation.sla_due_target = "first_response"
    conversation.save(update_fields=["sla_due_at", "sla_due_target"])
    return conversation


def _page(client: Client, conversation: Conversation) -> str:
    response = client.get(f"/portal/tickets/{conversation.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_ticket_page_shows_the_state_the_next_answer_and_the_escalate_form(
    conversation_factory: Callable[..., Conversation],
) -> None:
    due = timezone.now() + timedelta(minutes=45)
    conversation = conversation_factory(sla_due_at=due, sla_due_target="first_response")
    client = client_reading(conversation.contact, "en")
    body = _page(client, conversation)
    assert "Received" in body
    zone = conversation.contact.timezone
    local = timezone.localtime(due, timezone=ZoneInfo(zone))
    assert f"We expect to answer by {local:%Y-%m-%d %H:%M} ({zone})." in body
    assert f'action="/portal/tickets/{conversation.reference}/escalate/#escalate"' in body
    assert 'name="reason"' in body
    assert 'name="unhappy"' in body


@pytest.mark.parametrize(
    ("language", "label", "button"),
    [
        ("en", "Under review by management", "Progress"),
        ("zh-Hans", "管理层审核中", "进展"),
        ("zh-Hant", "管理層審核中", "進展"),
    ],
)
def test_the_state_reads_in_the_customers_language(
    conversation_factory: Callable[..., Conversation], language: str, label: str, button: str
) -> None:
    conversation = conversation_factory(tier=Tier.MANAGEMENT)
    body = _page(client_reading(conversation.contact, language), conversation)
    assert label in body
    assert button in body
    # Nothing is above management: no form.
    assert 'name="reason"' not in body


def test_a_late_case_is_escalated_from_the_portal(
    conversation_factory: Callable[..., Conversation], technical_team: Team
) -> None:
    conversation = _late(conversation_factory(language="en"))
    client = client_reading(conversation.contact, "en")
    response = client.post(
        f"/portal/tickets/{conversation.reference}/escalate/",
        {"reason": "Nobody has answered for two days"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{conversation.reference}/#latest"
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
    assert conversation.team == technical_team
    escalation = Escalation.objects.get()
    assert escalation.by_contact == conversation.contact
    assert escalation.reason == "Nobody has answered for two days"
    assert AuditEntry.objects.filter(action="conversation.escalate").count() == 1
    body = client.get(response["Location"]).content.decode()
    assert "Your case has been passed to a higher team." in body
    assert "Escalated to the technical team" in body
    assert "passed to our technical support team" in body
    # The agents' note with the reason is not shown to the customer.
    assert conversation.messages.filter(kind=MessageKind.NOTE).exists()
    assert "The customer asked to escalate" not in body


def test_a_case_that_is_not_late_is_refused_unless_the_customer_is_unhappy(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(
        sla_due_at=timezone.now() + timedelta(hours=3), sla_due_target="first_response"
    )
    client = client_reading(conversation.contact, "en")
    url = f"/portal/tickets/{conversation.reference}/escalate/"
    refused = client.post(url, {"reason": "Hurry"})
    assert refused.status_code == 409
    assert "once we are late with this case" in refused.content.decode()
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L1
    accepted = client.post(url, {"reason": "The answers do not help", "unhappy": "on"})
    assert accepted.status_code == 302
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2


def test_the_refusal_is_translated(conversation_factory: Callable[..., Conversation]) -> None:
    conversation = conversation_factory()
    client = client_reading(conversation.contact, "zh-Hant")
    response = client.post(
        f"/portal/tickets/{conversation.reference}/escalate/", {"reason": "快一點"}
    )
    assert response.status_code == 409
    assert "您對處理方式不滿意時" in response.content.decode()


def test_a_reason_is_required(conversation_factory: Callable[..., Conversation]) -> None:
    conversation = _late(conversation_factory())
    client = client_reading(conversation.contact, "en")
    response = client.post(f"/portal/tickets/{conversation.reference}/escalate/", {"reason": " "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Escalation.objects.exists()


def test_the_customer_asks_once_per_tier(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = _late(conversation_factory())
    client = client_reading(conversation.contact, "en")
    url = f"/portal/tickets/{conversation.reference}/escalate/"
    assert client.post(url, {"reason": "first"}).status_code == 302
    # Sent back to support by a supervisor: the form is gone and a replayed post refused.
    Conversation.objects.filter(pk=conversation.pk).update(tier=Tier.L1)
    assert 'name="reason"' not in _page(client, conversation)
    replay = client.post(url, {"reason": "again"})
    assert replay.status_code == 409
    assert "You have already asked for this case to go to Technical support." in (
        replay.content.decode()
    )
    assert Escalation.objects.count() == 1


def test_a_resolved_case_offers_no_escalation_and_refuses_one(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = _late(conversation_factory(status=Status.RESOLVED))
    client = client_reading(conversation.contact, "en")
    assert 'name="reason"' not in _page(client, conversation)
    response = client.post(
        f"/portal/tickets/{conversation.reference}/escalate/", {"reason": "still broken"}
    )
    assert response.status_code == 409
    assert "This case is resolved." in response.content.decode()


def test_another_customers_ticket_cannot_be_escalated(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    conversation = _late(conversation_factory())
    stranger = client_reading(contact_factory(), "en")
    response = stranger.post(
        f"/portal/tickets/{conversation.reference}/escalate/", {"reason": "mine now"}
    )
    assert response.status_code == 404
    assert not Escalation.objects.exists()


def test_escalating_needs_a_signed_in_customer(
    client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = _late(conversation_factory())
    response = client.post(
        f"/portal/tickets/{conversation.reference}/escalate/", {"reason": "anonymous"}
    )
    assert response.status_code == 302
    assert not Escalation.objects.exists()


def test_my_tickets_shows_each_cases_state(
    conversation_factory: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    me = contact_factory()
    conversation_factory(contact=me, tier=Tier.L2)
    conversation_factory(contact=me, status=Status.PENDING)
    body = client_reading(me, "zh-Hans").get("/portal/tickets/").content.decode()
    assert "已升级至技术团队" in body
    assert "等待您的回复" in body


def test_my_tickets_costs_the_same_queries_for_more_cases(
    conversation_factory: Callable[..., Conversation],
    contact_factory: Callable[..., Contact],
) -> None:
    me = contact_factory()
    client = client_reading(me, "en")
    conversation_factory(contact=me)
    with CaptureQueriesContext(connection) as one:
        client.get("/portal/tickets/")
    for _ in range(5):
        conversation_factory(contact=me)
    with CaptureQueriesContext(connection) as six:
        client.get("/portal/tickets/")
    assert len(six) == len(one)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "follow its progress, or ask for a higher team"),
        ("zh-Hans", "申请升级处理"),
        ("zh-Hant", "申請升級處理"),
    ],
)
def test_the_chat_links_to_the_ticket_page_with_its_state_and_escalate_form(
    conversation_factory: Callable[..., Conversation], language: str, sentence: str
) -> None:
    chat = Inbox.objects.create(name="Live chat", channel=Channel.WEBCHAT)
    config = Client().get(f"/chat/config/?inbox={chat.pk}&lang={language}").json()
    assert sentence in config["strings"]["case_link"]
    assert "%(reference)s" in config["strings"]["case_link"]
    conversation = _late(conversation_factory(inbox=chat, channel=Channel.WEBCHAT))
    # What the widget builds from the conversation frame's reference.
    url = config["case_url"].replace("REFERENCE", conversation.reference)
    assert url == f"/portal/tickets/{conversation.reference}/"
    page = client_reading(conversation.contact, "en").get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Received" in body
    assert 'id="escalate"' in body
    assert 'name="reason"' in body


def test_the_form_sent_twice_moves_the_case_up_once(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = _late(conversation_factory())
    client = client_reading(conversation.contact, "en")
    body = _page(client, conversation)
    assert '<input type="hidden" name="tier" value="1"' in body
    url = f"/portal/tickets/{conversation.reference}/escalate/"
    assert client.post(url, {"reason": "late", "tier": "1"}).status_code == 302
    second = client.post(url, {"reason": "late", "tier": "1"})
    assert second.status_code == 409
    assert "already been moved to Technical support" in second.content.decode()
    conversation.refresh_from_db()
    assert conversation.tier == Tier.L2
