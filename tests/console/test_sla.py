"""SLA in the console: badges, the due-soon and breached views, the deadline sort, the
conversation's SLA panel, compliance on the live queue, and the live notice's texts."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from kefu.agents.models import Role, Team
from kefu.console.templatetags.kefu_console import live_strings
from kefu.console.templatetags.kefu_sla import short_duration
from kefu.conversations.models import Conversation
from kefu.sla.models import Clock, EventKind, SlaEvent, SlaPolicy, Target
from tests.conftest import verified_client
from tests.console.views.test_inbox import references


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def policy(db):
    return SlaPolicy.objects.create(name="Chat", first_response_minutes=5)


def due_in(conversation_factory, delta: timedelta, target=Target.FIRST_RESPONSE, **fields):
    return conversation_factory(sla_due_at=timezone.now() + delta, sla_due_target=target, **fields)


def row_of(response, conversation) -> str:
    page = response.content.decode()
    match = re.search(
        rf'<tr class="inbox-row[^"]*" data-href="/console/c/{conversation.reference}/">(.*?)</tr>',
        page,
        re.S,
    )
    assert match, conversation.reference
    return match.group(1)


def test_rows_say_which_target_and_the_time_left_or_overdue(agent_client, conversation_factory):
    soon = due_in(conversation_factory, timedelta(minutes=12, seconds=30))
    late = due_in(conversation_factory, -timedelta(hours=3, minutes=5), Target.RESOLUTION)
    missed = conversation_factory(sla_breached=True)
    free = conversation_factory()
    response = agent_client.get("/console/")
    assert "First response: 12 min left" in row_of(response, soon)
    assert re.search(
        r'class="badge sla-badge sla-overdue is-late"[^>]*>Resolution: overdue 3 h<',
        row_of(response, late),
    )
    assert "SLA breached" in row_of(response, missed)
    assert "sla-badge" not in row_of(response, free)


def test_badges_in_chinese(agent_client, conversation_factory, agent):
    agent.language = "zh-Hans"
    agent.save()
    conversation = due_in(conversation_factory, timedelta(days=3, minutes=1), Target.NEXT_RESPONSE)
    with translation.override("zh-hans"):
        row = row_of(agent_client.get("/console/"), conversation)
    assert "下次回复：剩余 3 天" in row


def test_short_durations():
    assert short_duration(timedelta(seconds=20)) == "1 min"
    assert short_duration(timedelta(minutes=59, seconds=59)) == "59 min"
    assert short_duration(timedelta(hours=47, minutes=59)) == "47 h"
    assert short_duration(timedelta(days=2)) == "2 days"
    assert short_duration(timedelta(days=1, hours=23)) == "47 h"


def test_due_soon_lists_deadlines_within_the_hour_and_breached_the_missed_ones(
    agent_client, conversation_factory, settings
):
    within = due_in(conversation_factory, timedelta(minutes=30))
    later = due_in(conversation_factory, timedelta(hours=2))
    passed = due_in(conversation_factory, -timedelta(minutes=1), sla_breached=True)
    conversation_factory()
    assert references(agent_client.get("/console/", {"sla": "due_soon"})) == [within.reference]
    assert references(agent_client.get("/console/", {"sla": "breached"})) == [passed.reference]
    settings.KEFU_SLA_DUE_SOON_MINUTES = 180
    assert set(references(agent_client.get("/console/", {"sla": "due_soon"}))) == {
        within.reference,
        later.reference,
    }
    # The views combine with the other filters, like "mine".
    assert references(agent_client.get("/console/", {"sla": "due_soon", "view": "mine"})) == []


def test_the_views_have_their_title_navigation_and_keep_their_filters_in_links(agent_client):
    page = agent_client.get("/console/", {"sla": "due_soon", "sort": "deadline"}).content.decode()
    assert "<h1>Due soon</h1>" in page
    assert re.search(r'href="/console/\?sla=due_soon&amp;sort=deadline" class="is-active"', page)
    assert '<option value="deadline" selected>' in page
    rows = agent_client.get("/console/inbox/rows/", {"sla": "breached", "sort": "deadline"})
    assert "sla=breached&amp;sort=deadline" in rows.content.decode()
    assert (
        "<h1>SLA breached</h1>"
        in agent_client.get("/console/", {"sla": "breached"}).content.decode()
    )


def test_an_unknown_view_or_sort_is_ignored(agent_client, conversation_factory):
    conversation = conversation_factory()
    response = agent_client.get("/console/", {"sla": "nope", "sort": "'; drop"})
    assert response.status_code == 200
    assert references(response) == [conversation.reference]


def test_sort_by_next_deadline_puts_conversations_without_one_last(
    agent_client, conversation_factory
):
    none = conversation_factory()
    late = due_in(conversation_factory, timedelta(hours=5))
    early = due_in(conversation_factory, timedelta(minutes=5))
    overdue = due_in(conversation_factory, -timedelta(minutes=5))
    listed = references(agent_client.get("/console/", {"sort": "deadline"}))
    assert listed == [overdue.reference, early.reference, late.reference, none.reference]
    # The default stays newest activity first.
    assert references(agent_client.get("/console/"))[0] == overdue.reference


def test_inbox_query_count_is_pinned_with_sla_columns_views_and_sort(
    agent_client, agent_factory, conversation_factory, django_assert_num_queries
):
    for n in range(30):
        due_in(
            conversation_factory,
            timedelta(minutes=n + 1) * (1 if n % 2 else -1),
            assignee=agent_factory() if n % 3 else None,
            sla_breached=n % 2 == 0,
        )
    # session, agent, OTP device, page of conversations (with contact, assignee, team),
    # their tags, their first words; the whole page also reads the channels with an inbox.
    for params in ({}, {"sort": "deadline"}, {"sla": "due_soon"}, {"sla": "breached"}):
        with django_assert_num_queries(7):
            assert agent_client.get("/console/", params).status_code == 200
        with django_assert_num_queries(6):
            agent_client.get("/console/inbox/rows/", params, headers={"HX-Request": "true"})


def _sla_history(conversation: Conversation) -> None:
    policy = SlaPolicy.objects.create(name="Email", resolution_minutes=4320)
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    Clock.objects.create(
        conversation=conversation,
        policy=policy,
        target=Target.RESOLUTION,
        business=False,
        started_at=start,
        remaining=timedelta(hours=20),
        paused_at=start + timedelta(hours=1),
    )
    Clock.objects.create(
        conversation=conversation,
        policy=policy,
        target=Target.FIRST_RESPONSE,
        business=False,
        started_at=start,
        fulfilled_at=start + timedelta(minutes=3),
    )
    for kind, target, minutes in [
        (EventKind.STARTED, Target.FIRST_RESPONSE, 0),
        (EventKind.FULFILLED, Target.FIRST_RESPONSE, 3),
        (EventKind.PAUSED, Target.RESOLUTION, 60),
        (EventKind.BREACHED, Target.NEXT_RESPONSE, 90),
    ]:
        SlaEvent.objects.create(
            conversation=conversation,
            policy=policy,
            target=target,
            kind=kind,
            at=start + timedelta(minutes=minutes),
            due_at=start + timedelta(minutes=80),
        )


def test_the_conversation_page_shows_clocks_and_timeline_in_the_agents_zone(
    agent_client, agent, conversation_factory
):
    agent.timezone = "Europe/London"
    agent.save()
    conversation = conversation_factory()
    _sla_history(conversation)
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    panel = page[page.index('id="sla-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert "First response: met" in panel
    assert "Resolution: paused" in panel
    # 01:00 UTC is 01:00 in London (09:00 in Shanghai).
    assert "2026-12-01 01:00</time> · First response: started" in panel
    assert "2026-12-01 02:30</time> · Next response: breached" in panel
    assert "(due 2026-12-01 02:20)" in panel


def test_the_panel_refreshes_alone_and_refuses_unknown_references(
    agent_client, agent, conversation_factory, django_assert_max_num_queries
):
    conversation = conversation_factory()
    _sla_history(conversation)
    url = f"/console/c/{conversation.reference}/sla/"
    # session, agent, device, the conversation (with its tags and identities), clocks, events
    with django_assert_max_num_queries(8):
        response = agent_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section id="sla-panel"')
    assert agent_client.get("/console/c/K-999999/sla/").status_code == 404
    assert agent_client.post(url).status_code == 405


def test_a_conversation_without_a_policy_says_so(agent_client, conversation_factory):
    conversation = conversation_factory()
    page = agent_client.get(f"/console/c/{conversation.reference}/").content.decode()
    assert "No SLA policy applies to this conversation." in page
    assert "sla-badge" not in page


def test_the_header_badge_comes_from_the_conversation(agent_client, conversation_factory):
    conversation = due_in(conversation_factory, timedelta(minutes=40), Target.PERIODIC_UPDATE)
    header = agent_client.get(f"/console/c/{conversation.reference}/header/").content.decode()
    assert "Status update: 40 min left" in header or "Status update: 39 min left" in header


def test_the_live_queue_shows_compliance_per_team_today(agent_factory, conversation_factory):
    supervisor = verified_client(agent_factory(role=Role.SUPERVISOR, language="en"))
    team = Team.objects.create(name="Wallets", slug="wallets")
    conversation = conversation_factory(team=team)
    now = timezone.now()
    for kind in (EventKind.FULFILLED, EventKind.FULFILLED, EventKind.FULFILLED, EventKind.BREACHED):
        SlaEvent.objects.create(
            conversation=conversation, target=Target.NEXT_RESPONSE, kind=kind, at=now
        )
    board = supervisor.get("/console/queue/board/").content.decode()
    section = board[board.index('id="queue-sla"') :]
    row = re.search(r"<td>Wallets</td>(.*?)</tr>", section, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "3"
    assert ">1<" in cells[1]
    assert cells[2] == "75%"


def test_the_live_queue_without_decisions_today(agent_factory):
    supervisor = verified_client(agent_factory(role=Role.SUPERVISOR, language="en"))
    board = supervisor.get("/console/queue/board/").content.decode()
    assert "No SLA target was met or breached today." in board


def test_live_notice_texts_are_translated():
    with translation.override("zh-hans"):
        strings = json.loads(re.sub(r"^<script[^>]*>|</script>$", "", live_strings()))
    assert strings["sla_warning"] == "{reference} 的{target}即将到期。"
    assert strings["sla_breach"] == "{reference} 的{target}已超时。"
    assert strings["sla_targets"]["first_response"] == "首次回复"


def test_live_js_handles_sla_alerts():
    from pathlib import Path

    import kefu.console

    script = (Path(kefu.console.__file__).parent / "static/console/live.js").read_text()
    assert 'case "sla_alert":' in script
    assert "strings.sla_breach" in script
    assert "strings.sla_warning" in script
