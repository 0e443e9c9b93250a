"""The conversation page: timeline, header, details, customer sidebar, fragments, 404."""

import re
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile

from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import actions
from kefu.conversations.models import (
    Attachment,
    DeliveryStatus,
    Message,
    MessageKind,
    Status,
)
from tests.core.test_ids import HOSTILE_REFERENCES, hostile_spellings


@pytest.fixture
def conversation(conversation_factory, agent):
    conversation = conversation_factory(text="提现一直没到账")
    Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        author_agent=agent,
        text="我们正在核实您的提现",
        delivery_status=DeliveryStatus.RETRYING,
        delivery_error="SMTP 451 try later",
    )
    actions.add_note(conversation=conversation, agent=agent, text="Checked the chain: pending")
    inbound = conversation.messages.get(kind=MessageKind.INBOUND)
    file = Attachment(message=inbound, filename="截图.png", content_type="image/png", size=4)
    file.file.save("x", ContentFile(b"\x89PNG"), save=True)
    return conversation


def test_page_shows_replies_notes_attachments_and_delivery(agent_client, agent, conversation):
    response = agent_client.get(f"/console/c/{conversation.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "提现一直没到账" in html
    assert "我们正在核实您的提现" in html
    assert "Checked the chain: pending" in html
    assert 'class="msg msg-note"' in html
    assert 'class="msg msg-outbound"' in html
    assert agent.public_id in html
    assert "delivery-retrying" in html
    assert "SMTP 451 try later" in html
    attachment = Attachment.objects.get()
    assert f"/console/attachments/{attachment.pk}/" in html
    assert "截图.png" in html
    assert f'data-conversation-id="{conversation.pk}"' in html


def test_the_composer_opens_on_the_reply_tab_of_a_tabs_widget(agent_client, conversation):
    html = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    # Tabs are buttons in the tablist (no radio inputs there); one tab stop, the other -1.
    start = html.index('role="tablist"')
    tablist = html[start : html.index("</div>", start)]
    assert "<input" not in tablist
    assert re.search(
        r'id="tab-reply"[^>]*aria-controls="pane-reply"[^>]*aria-selected="true"', html
    )
    assert re.search(r'id="tab-note"[^>]*aria-selected="false"[^>]*tabindex="-1"', html)
    assert re.search(r'id="pane-note"[^>]*aria-labelledby="tab-note"[^>]* hidden', html)


def test_sidebar_shows_the_customer_and_their_other_conversations(
    agent_client, conversation_factory, contact_factory
):
    contact = contact_factory(name="王伟")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value="+8613800000000")
    current = conversation_factory(contact=contact)
    older = conversation_factory(contact=contact, status=Status.RESOLVED)
    stranger = conversation_factory()
    html = agent_client.get(f"/console/c/{current.reference}/").content.decode()
    assert "王伟" in html
    assert "+8613800000000" in html
    assert f"/console/c/{older.reference}/" in html
    assert stranger.reference not in html


def test_status_select_offers_only_allowed_transitions(agent_client, conversation_factory):
    resolved = conversation_factory(status=Status.RESOLVED)
    html = agent_client.get(f"/console/c/{resolved.reference}/details/").content.decode()
    select = html.split('id="status-select"')[1].split("</select>")[0]
    assert 'value="open"' in select
    assert 'value="closed"' in select
    assert 'value="pending"' not in select
    assert 'value="on_hold"' not in select


def test_closed_conversation_has_no_reply_box(agent_client, conversation_factory):
    closed = conversation_factory(status=Status.CLOSED)
    html = agent_client.get(f"/console/c/{closed.reference}/").content.decode()
    assert 'id="reply-form" class="composer-closed"' in html
    assert 'id="status-select"' not in html


def test_fragments_render_alone(agent_client, conversation):
    ref = conversation.reference
    headers = {"HX-Request": "true"}
    timeline = agent_client.get(f"/console/c/{ref}/timeline/", headers=headers)
    assert timeline.status_code == 200
    assert timeline.content.decode().lstrip().startswith('<div id="timeline"')
    header = agent_client.get(f"/console/c/{ref}/header/", headers=headers)
    assert '<header id="conv-header"' in header.content.decode()
    details = agent_client.get(f"/console/c/{ref}/details/", headers=headers)
    assert '<section id="details"' in details.content.decode()


def test_unknown_reference_is_a_404_page(agent_client):
    response = agent_client.get("/console/c/K-999999/")
    assert response.status_code == 404
    assert "K-999999" in response.content.decode()
    assert agent_client.get("/console/c/not-a-ref/").status_code == 404
    fragment = agent_client.get("/console/c/K-999999/timeline/", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.content.decode()


@pytest.mark.parametrize("reference", [r for r in HOSTILE_REFERENCES if r])
def test_a_hostile_reference_is_a_404_page(agent_client, conversation, reference):
    path = f"/console/c/{quote(reference, safe='')}"
    assert agent_client.get(f"{path}/").status_code == 404
    assert agent_client.get(f"{path}/details/").status_code == 404
    assert agent_client.post(f"{path}/note/", {"text": "x"}).status_code == 404


def test_another_spelling_of_an_existing_number_is_a_404_page(agent_client, conversation):
    for spelling in hostile_spellings(conversation.pk):
        assert agent_client.get(f"/console/c/K-{quote(spelling, safe='')}/").status_code == 404


def test_times_follow_the_agents_time_zone(agent_client, agent, conversation_factory):
    from datetime import UTC, datetime

    conversation = conversation_factory()
    Message.objects.filter(conversation=conversation).update(
        created_at=datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
    )
    agent.timezone = "America/New_York"
    agent.save()
    html = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert "2024-04-30 20:30:00" in html  # EDT, not UTC or Shanghai


def test_page_query_count_does_not_grow_with_messages(
    agent_client, agent, conversation_factory, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    conversation = conversation_factory()
    url = f"/console/c/{conversation.reference}/"

    def add(count: int) -> None:
        for n in range(count):
            message = Message.objects.create(
                conversation=conversation,
                kind=MessageKind.OUTBOUND,
                author_agent=agent,
                text=f"reply {n}",
                delivery_status=DeliveryStatus.SENT,
            )
            file = Attachment(
                message=message, filename=f"{n}.txt", content_type="text/plain", size=1
            )
            file.file.save("x", ContentFile(b"x"), save=True)

    add(2)
    with CaptureQueriesContext(connection) as few:
        agent_client.get(url)
    add(40)
    with CaptureQueriesContext(connection) as many:
        agent_client.get(url)
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        agent_client.get(url)


def test_an_exposed_secret_and_look_alike_links_are_shown_to_the_agent(
    agent_client, conversation_factory
):
    from kefu.conversations.inbound import InboundMessage
    from kefu.safety.models import OfficialChannel, OfficialKind

    OfficialChannel.objects.create(kind=OfficialKind.DOMAIN, value="kefu-exchange.com")
    conversation = conversation_factory()
    actions.receive_message(
        InboundMessage(
            inbox=conversation.inbox,
            contact=conversation.contact,
            conversation=conversation,
            text="my password is Hunter2-Secret and they sent kefu-exchange.com.login-verify.io",
            language="en",
        )
    )
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert "Hunter2-Secret" not in page
    assert "Secret exposed" in page
    assert "Automatic message" in page
    assert "imitates kefu-exchange.com" in page
    rows = agent_client.get("/console/inbox/rows/").content.decode()
    assert "Secret exposed" in rows
