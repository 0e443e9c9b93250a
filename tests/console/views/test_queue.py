"""The supervisors' live queue page, its extended-hours switch, and transfers."""

from datetime import time
from urllib.parse import quote

import pytest
from django.utils import translation

from kefu.agents.models import Availability, Role, Team
from kefu.conversations.models import Message, MessageKind, Priority
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Channel, Inbox
from kefu.routing.models import ServiceSchedule, WeeklyHours
from tests.conftest import verified_client
from tests.core.test_ids import HOSTILE_IDS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def chat(conversation_factory):
    inbox = Inbox.objects.create(
        name="Website chat", channel=Channel.WEBCHAT, config={"auto_assign": True}
    )

    def make(**fields):
        return conversation_factory(inbox=inbox, channel=Channel.WEBCHAT, **fields)

    return make


@pytest.fixture
def supervisor(agent_factory):
    return agent_factory(
        role=Role.SUPERVISOR, display_name="Mei", language="en", availability=Availability.OFFLINE
    )


@pytest.fixture
def supervisor_client(supervisor):
    return verified_client(supervisor)


def test_agents_without_the_supervisor_role_are_refused(agent_client):
    assert agent_client.get("/console/queue/").status_code == 403
    assert agent_client.get("/console/queue/board/").status_code == 403


def test_the_board_lists_waiting_chats_in_order_and_agents_with_load(
    supervisor_client, chat, agent_factory
):
    busy = agent_factory(display_name="Lin", max_concurrent=3)
    chat(assignee=busy)
    agent_factory(display_name="Gone", availability=Availability.OFFLINE)
    first = chat(intent="withdrawal_delayed", language="en")
    urgent = chat(priority=Priority.URGENT)
    html = supervisor_client.get("/console/queue/").content.decode()
    assert html.index(urgent.reference) < html.index(first.reference)
    assert "2 chats waiting" in html
    assert "Withdrawal delayed" in html
    assert "Lin" in html
    assert "1 of 3" in html
    assert "Gone" not in html  # offline with nothing in hand
    # Lin has 2 free slots of 3: both waiting customers are next in line.
    assert html.count("Next in line") == 2


def test_the_board_shows_expected_waits_and_when_nobody_is_online(
    supervisor_client, chat, agent_factory, settings
):
    settings.KEFU_CHAT_DEFAULT_HANDLE_SECONDS = 600
    agent = agent_factory(max_concurrent=1)
    chat(assignee=agent)
    chat()
    chat()
    html = supervisor_client.get("/console/queue/board/").content.decode()
    assert "about 10 minutes" in html
    assert "about 20 minutes" in html
    agent.availability = Availability.AWAY
    agent.save()
    html = supervisor_client.get("/console/queue/board/").content.decode()
    assert html.count("Nobody online") == 2


def test_the_board_reads_a_fixed_number_of_queries(
    supervisor_client, chat, agent_factory, django_assert_max_num_queries
):
    def fill(count: int) -> None:
        for _ in range(count):
            agent = agent_factory()
            agent.teams.add(Team.objects.get_or_create(name="Payments", slug="payments")[0])
            chat(assignee=agent)
            chat()

    fill(2)
    supervisor_client.get("/console/queue/board/")
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    # Ten reads for the board, one for the SLA compliance per team today.
    with django_assert_max_num_queries(11) as small:
        supervisor_client.get("/console/queue/board/")
    fill(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert supervisor_client.get("/console/queue/board/").status_code == 200


def test_a_supervisor_switches_extended_hours_on(supervisor_client, supervisor):
    schedule = ServiceSchedule.objects.create()
    url = f"/console/queue/hours/{schedule.pk}/extended/"
    response = supervisor_client.post(url, {"on": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Turn off extended hours" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.extended_hours
    assert AuditEntry.objects.get(action="service_hours.extended").actor == supervisor


def test_extended_hours_refuses_agents_and_bad_input(agent_client, supervisor_client):
    schedule = ServiceSchedule.objects.create()
    url = f"/console/queue/hours/{schedule.pk}/extended/"
    assert agent_client.post(url, {"on": "1"}).status_code == 403
    assert supervisor_client.post(url, {"on": "yes"}).status_code == 400
    assert (
        supervisor_client.post("/console/queue/hours/999/extended/", {"on": "1"}).status_code == 404
    )
    schedule.refresh_from_db()
    assert not schedule.extended_hours


@pytest.mark.parametrize("schedule_id", HOSTILE_IDS)
def test_extended_hours_of_a_hostile_schedule_id_is_404(supervisor_client, schedule_id):
    path = f"/console/queue/hours/{quote(schedule_id, safe='')}/extended/"
    assert supervisor_client.post(path, {"on": "1"}).status_code == 404


def test_the_holder_transfers_from_the_conversation_page(agent, agent_client, chat, agent_factory):
    conversation = chat(assignee=agent)
    colleague = agent_factory(display_name="Lin")
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert 'name="to_agent"' in page
    response = agent_client.post(
        f"/console/c/{conversation.reference}/transfer/",
        {"to_agent": colleague.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.assignee == colleague
    assert Message.objects.filter(conversation=conversation, kind=MessageKind.SYSTEM).exists()


def test_a_refused_transfer_shows_why_and_changes_nothing(agent, agent_client, chat, agent_factory):
    conversation = chat(assignee=agent)
    away = agent_factory(display_name="Lin", availability=Availability.AWAY)
    url = f"/console/c/{conversation.reference}/transfer/"
    response = agent_client.post(url, {"to_agent": away.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Lin is not online." in response.content.decode()
    response = agent_client.post(url, {"to_agent": "nobody"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_the_transfer_list_offers_only_agents_really_online(
    agent, agent_client, chat, agent_factory
):
    conversation = chat(assignee=agent)
    agent_factory(display_name="Lin", max_concurrent=4)
    agent_factory(display_name="Never signed in", last_seen_at=None)
    agent_factory(display_name="Away", availability=Availability.AWAY)
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    form = page[page.index('name="to_agent"') : page.index('name="to_team"')]
    assert "Lin · 0 of 4 chats" in form
    assert "Never signed in" not in form
    assert "Away" not in form
    assert agent.display_name not in form  # not to the holder


def test_agents_who_do_not_hold_the_chat_see_no_transfer_form(agent_client, chat, agent_factory):
    conversation = chat(assignee=agent_factory())
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert 'name="to_agent"' not in page


def test_the_board_says_why_a_chat_of_a_manual_inbox_waits(
    supervisor_client, conversation_factory, agent_factory
):
    agent_factory(display_name="Lin")
    inbox = Inbox.objects.create(name="Picked by hand", channel=Channel.WEBCHAT)
    conversation_factory(inbox=inbox, channel=Channel.WEBCHAT)
    html = supervisor_client.get("/console/queue/board/").content.decode()
    assert "Not assigned automatically" in html
    assert "Next in line" not in html  # a free slot promises nothing there


def test_the_board_marks_online_agents_whose_console_is_not_open(supervisor_client, agent_factory):
    agent_factory(display_name="Lin", last_seen_at=None)
    agent_factory(display_name="Emma")
    html = supervisor_client.get("/console/queue/board/").content.decode()
    assert html.count("console not open: takes no chats") == 1
    assert html.index("console not open") > html.index("Lin")
