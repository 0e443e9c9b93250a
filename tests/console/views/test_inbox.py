"""The unified inbox: filters, paging, what a row shows, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.conversations.models import Priority, Status, Tag
from kefu.conversations.selectors import PAGE_SIZE
from kefu.core.intents import Intent
from kefu.inboxes.models import Channel, Inbox
from tests.core.test_ids import HOSTILE_REFERENCES, hostile_spellings


def references(response) -> list[str]:
    return re.findall(r'<span class="ref">(K-\d{6})</span>', response.content.decode())


@pytest.fixture
def mixed(conversation_factory, agent, agent_factory):
    other = agent_factory()
    email_inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
    return {
        "mine": conversation_factory(assignee=agent, intent=Intent.FEES),
        "theirs": conversation_factory(assignee=other, status=Status.PENDING),
        "free": conversation_factory(priority=Priority.URGENT, intent=Intent.ACCOUNT_STOLEN),
        "email": conversation_factory(inbox=email_inbox, channel=Channel.EMAIL),
        "resolved": conversation_factory(status=Status.RESOLVED),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"mine", "theirs", "free", "email", "resolved"}),
        ("view=mine", {"mine"}),
        ("view=unassigned", {"free", "email", "resolved"}),
        ("status=pending", {"theirs"}),
        ("status=resolved", {"resolved"}),
        ("intent=account_stolen", {"free"}),
        ("intent=fees", {"mine"}),
        ("priority=urgent", {"free"}),
        ("channel=email", {"email"}),
        ("view=unassigned&channel=portal&status=open", {"free"}),
        ("status=bogus&channel=nope", {"mine", "theirs", "free", "email", "resolved"}),
    ],
)
def test_filters_return_the_right_rows(agent_client, mixed, query, expected):
    response = agent_client.get(f"/console/?{query}")
    assert response.status_code == 200
    assert set(references(response)) == {mixed[name].reference for name in expected}
    rows = agent_client.get(f"/console/inbox/rows/?{query}", headers={"HX-Request": "true"})
    assert set(references(rows)) == {mixed[name].reference for name in expected}


def test_the_page_shows_no_template_comment(agent_client):
    # A {# … #} comment over several lines is printed by Django, above the whole console.
    html = agent_client.get("/console/").content.decode()
    assert "{#" not in html
    assert "swapped in like successes" not in html


def test_row_shows_what_an_agent_scans_for(agent_client, agent, conversation_factory):
    conversation = conversation_factory(
        assignee=agent,
        priority=Priority.URGENT,
        intent=Intent.WITHDRAWAL_DELAYED,
        text="我的 USDT 提现三天了还没有到账，请帮忙查一下",
    )
    conversation.tags.set([Tag.objects.create(name="vip")])
    html = agent_client.get("/console/").content.decode()
    assert conversation.reference in html
    assert "我的 USDT 提现三天了还没有到账" in html
    assert conversation.contact.display_name in html
    assert agent.display_name in html
    assert '<span class="tag">vip</span>' in html
    assert "priority-urgent" in html
    assert str(Intent.WITHDRAWAL_DELAYED.label) in html
    assert 'title="20' in html  # the exact time on hover


def test_subject_wins_over_the_first_words(agent_client, conversation_factory):
    conversation_factory(subject="Withdrawal stuck", text="long body text")
    html = agent_client.get("/console/").content.decode()
    assert "Withdrawal stuck" in html
    assert "long body text" not in html


def test_paging_moves_by_page_size(agent_client, conversation_factory):
    for _ in range(PAGE_SIZE + 3):
        conversation_factory()
    first = agent_client.get("/console/")
    assert len(references(first)) == PAGE_SIZE
    assert "page=2" in first.content.decode()
    second = agent_client.get("/console/?page=2")
    assert len(references(second)) == 3
    assert not set(references(first)) & set(references(second))


def test_live_refresh_of_rows_does_not_move_history(agent_client, conversation_factory):
    conversation_factory()
    live = agent_client.get(
        "/console/inbox/rows/?status=open",
        headers={"HX-Request": "true", "HX-Trigger": "inbox-rows"},
    )
    assert "HX-Push-Url" not in live
    paged = agent_client.get("/console/inbox/rows/?status=open", headers={"HX-Request": "true"})
    assert paged["HX-Push-Url"] == "/console/?status=open"


def test_go_to_reference(agent_client, conversation_factory):
    conversation = conversation_factory()
    response = agent_client.get(f"/console/go/?ref={conversation.pk}")
    assert response["Location"] == f"/console/c/{conversation.reference}/"
    assert agent_client.get("/console/go/?ref=nonsense")["Location"] == "/console/"


def test_go_to_a_hostile_reference_goes_back_to_the_inbox(agent_client, conversation_factory):
    conversation = conversation_factory()
    hostile = [*HOSTILE_REFERENCES, *hostile_spellings(conversation.pk)]
    # Spaces around a number typed into the box are the box's (below), not a hostile id.
    for ref in [ref for ref in hostile if ref == ref.strip()]:
        response = agent_client.get("/console/go/", {"ref": ref})
        assert response["Location"] == "/console/", ref
    # A number pasted with spaces around it is still found.
    padded = agent_client.get("/console/go/", {"ref": f" {conversation.reference} "})
    assert padded["Location"] == f"/console/c/{conversation.reference}/"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_inbox_query_count_does_not_grow_with_rows(
    agent_client, agent_factory, conversation_factory, django_assert_max_num_queries
):
    agents = [agent_factory() for _ in range(5)]
    tags = [Tag.objects.create(name=f"t{n}") for n in range(3)]

    def make(count: int) -> None:
        for n in range(count):
            conversation = conversation_factory(assignee=agents[n % 5], intent=Intent.FEES)
            conversation.tags.set(tags[: n % 3 + 1])

    make(3)
    few = _queries(agent_client, "/console/")
    make(50)
    many = _queries(agent_client, "/console/")
    assert many == few
    # session, agent, OTP device, page of conversations, their tags, their first words;
    # the whole page also reads which channels have an inbox, for the channel filter
    with django_assert_max_num_queries(7):
        agent_client.get("/console/")
    with django_assert_max_num_queries(6):
        agent_client.get("/console/inbox/rows/", headers={"HX-Request": "true"})


def test_channel_filter_lists_only_channels_with_an_inbox(agent_client, conversation_factory):
    conversation_factory()  # the portal inbox
    Inbox.objects.create(name="Mail", channel=Channel.EMAIL, is_active=False)
    page = agent_client.get("/console/").content.decode()
    select = re.search(r'<select name="channel">(.*?)</select>', page, re.S)
    assert select is not None
    values = re.findall(r'<option value="([^"]*)"', select.group(1))
    assert values == ["", "email", "portal"]


def test_a_nameless_customer_shows_by_email(agent_client, inbox):
    from kefu.conversations import actions
    from kefu.conversations.inbound import InboundMessage

    actions.receive_message(
        InboundMessage(
            inbox=inbox, text="hi", identity_kind="email", identity_value="li.na@example.com"
        )
    )
    page = agent_client.get("/console/").content.decode()
    assert '<span class="customer-name">li.na@example.com</span>' in page
    assert "Customer #" not in page


def test_template_comments_do_not_show_on_the_page(agent_client):
    page = agent_client.get("/console/").content.decode()
    assert "4xx answers carry" not in page
