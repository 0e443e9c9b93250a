from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from kefu.agents import actions as agent_actions
from kefu.agents.models import Agent, Availability, Role, Team
from kefu.conversations import actions as conversation_actions
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.core.errors import InvalidTransition, TransferRefused
from kefu.core.models import AuditEntry
from kefu.inboxes.models import Inbox
from kefu.routing import actions
from kefu.routing.events import QUEUE_GROUP
from kefu.routing.models import Holiday, ServiceSchedule, Source, WeeklyHours, WorkingDay
from kefu.routing.shifts import Shift

ChatFactory = Callable[..., Conversation]
AgentFactory = Callable[..., Agent]


@pytest.fixture(autouse=True)
def _auto_assign(chat_inbox: Inbox) -> None:
    chat_inbox.config = {"auto_assign": True}
    chat_inbox.save()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Refusals are matched by their English text."""
    with translation.override("en"):
        yield


def assignee_of(conversation: Conversation) -> Agent | None:
    conversation.refresh_from_db()
    return conversation.assignee


def test_going_online_pulls_waiting_chats_in_queue_order(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent = agent_factory(availability=Availability.OFFLINE, max_concurrent=2)
    first, second, third = chat_factory(), chat_factory(), chat_factory()
    agent_actions.set_availability(agent=agent, availability=Availability.ONLINE)
    assert [assignee_of(c) for c in (first, second, third)] == [agent, agent, None]


def test_coming_online_takes_from_the_agents_teams_and_the_team_less_queue_only(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    payments = Team.objects.create(name="Payments", slug="payments")
    security = Team.objects.create(name="Security", slug="security")
    agent = agent_factory(availability=Availability.OFFLINE)
    agent.teams.add(payments)
    other_team = chat_factory(team=security)
    urgent_general = chat_factory(priority="urgent")
    mine = chat_factory(team=payments)
    taken = actions.take_waiting(agent)
    assert taken == []  # not online yet
    agent.availability = Availability.ONLINE
    agent.save()
    taken = actions.take_waiting(agent)
    assert [c.pk for c in taken] == [urgent_general.pk, mine.pk]
    assert assignee_of(other_team) is None


def test_going_away_keeps_held_chats_but_takes_no_new_ones(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent = agent_factory()
    held = chat_factory(assignee=agent)
    agent_actions.set_availability(agent=agent, availability=Availability.AWAY)
    waiting = chat_factory()
    actions.fill_queues()
    assert assignee_of(held) == agent
    assert assignee_of(waiting) is None


def test_resolving_a_chat_gives_the_freed_slot_to_the_next_in_queue(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent = agent_factory(max_concurrent=1)
    held = chat_factory(assignee=agent)
    waiting = chat_factory()
    conversation_actions.change_status(conversation=held, actor=agent, status=Status.RESOLVED)
    assert assignee_of(waiting) == agent


def test_a_reply_that_resolves_also_frees_the_slot(
    chat_factory: ChatFactory, agent_factory: AgentFactory, run_tasks: Callable[[], None]
) -> None:
    agent = agent_factory(max_concurrent=1)
    held = chat_factory(assignee=agent)
    waiting = chat_factory()
    conversation_actions.send_reply(
        conversation=held, agent=agent, text="已处理。", then_status=Status.RESOLVED
    )
    assert assignee_of(waiting) == agent


def test_inboxes_without_auto_assign_leave_the_queue_to_agents(
    chat_factory: ChatFactory, agent_factory: AgentFactory, chat_inbox: Inbox
) -> None:
    chat_inbox.config = {}
    chat_inbox.save()
    agent_factory()
    waiting = chat_factory()
    assert actions.fill_queues() == []
    assert assignee_of(waiting) is None


def test_filling_skips_chats_nobody_free_has_the_skills_for(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent_factory(skill_languages=["en"])
    chinese = chat_factory(language="zh-Hans")
    english = chat_factory(language="en")
    assert actions.fill_queues() == [english]
    assert assignee_of(chinese) is None


def test_filling_publishes_a_queue_event_after_commit(
    chat_factory: ChatFactory,
    agent_factory: AgentFactory,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(
        "kefu.core.events.publish", lambda groups, event: published.append((groups, event))
    )
    agent_factory()
    chat_factory()
    with django_capture_on_commit_callbacks(execute=True):
        actions.fill_queues()
    assert ([QUEUE_GROUP], {"kind": "queue.changed"}) in published


# Transfers


@pytest.fixture
def holder(agent_factory: AgentFactory) -> Agent:
    return agent_factory()


@pytest.fixture
def held_chat(chat_factory: ChatFactory, holder: Agent) -> Conversation:
    return chat_factory(assignee=holder)


def test_the_holder_transfers_to_an_online_colleague(
    held_chat: Conversation, holder: Agent, agent_factory: AgentFactory
) -> None:
    colleague = agent_factory(display_name="Lin")
    actions.transfer(conversation=held_chat, actor=holder, to_agent=colleague)
    assert assignee_of(held_chat) == colleague
    note = Message.objects.filter(conversation=held_chat, kind=MessageKind.SYSTEM).get()
    assert "Lin" in note.text
    held_chat.refresh_from_db()
    assert note.seq == held_chat.last_seq  # numbered: the customer's chat shows it
    entry = AuditEntry.objects.get(action="conversation.transfer")
    assert entry.data["previous"] == holder.pk
    assert entry.data["assignee"] == colleague.pk


def test_the_system_note_speaks_the_customers_language(
    chat_factory: ChatFactory, holder: Agent, agent_factory: AgentFactory
) -> None:
    chat = chat_factory(assignee=holder, language="en")
    actions.transfer(conversation=chat, actor=holder, to_agent=agent_factory(display_name="Lin"))
    note = Message.objects.get(conversation=chat, kind=MessageKind.SYSTEM)
    assert note.text == "The conversation was transferred to Lin."


def test_transfer_to_a_team_requeues_and_a_free_member_takes_it(
    held_chat: Conversation, holder: Agent, agent_factory: AgentFactory
) -> None:
    team = Team.objects.create(name="Security", slug="security")
    member = agent_factory()
    member.teams.add(team)
    actions.transfer(conversation=held_chat, actor=holder, to_team=team)
    held_chat.refresh_from_db()
    assert held_chat.team == team
    assert held_chat.assignee == member


def test_transfer_to_a_team_with_nobody_free_waits_in_its_queue(
    held_chat: Conversation, holder: Agent
) -> None:
    team = Team.objects.create(name="Security", slug="security")
    actions.transfer(conversation=held_chat, actor=holder, to_team=team)
    held_chat.refresh_from_db()
    assert (held_chat.team, held_chat.assignee) == (team, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"availability": Availability.AWAY}, "is not online"),
        ({"availability": Availability.OFFLINE}, "is not online"),
        ({"last_seen_at": None}, "is not online"),  # set online, never signed in
        ({"max_concurrent": 0}, "no free chat slot"),
    ],
)
def test_transfer_refuses_an_agent_who_cannot_take_chats(
    held_chat: Conversation,
    holder: Agent,
    agent_factory: AgentFactory,
    fields: dict[str, Any],
    message: str,
) -> None:
    receiver = agent_factory(**fields)
    with pytest.raises(TransferRefused, match=message):
        actions.transfer(conversation=held_chat, actor=holder, to_agent=receiver)
    assert assignee_of(held_chat) == holder
    assert not AuditEntry.objects.filter(action="conversation.transfer").exists()


def test_transfer_refuses_a_disabled_agent_a_non_member_and_no_target(
    held_chat: Conversation, holder: Agent, agent_factory: AgentFactory
) -> None:
    with pytest.raises(PermissionDenied):
        actions.transfer(
            conversation=held_chat, actor=holder, to_agent=agent_factory(is_active=False)
        )
    team = Team.objects.create(name="Security", slug="security")
    with pytest.raises(TransferRefused, match="not in the team"):
        actions.transfer(
            conversation=held_chat, actor=holder, to_agent=agent_factory(), to_team=team
        )
    with pytest.raises(TransferRefused):
        actions.transfer(conversation=held_chat, actor=holder)
    with pytest.raises(TransferRefused, match="already has"):
        actions.transfer(conversation=held_chat, actor=holder, to_agent=holder)
    assert assignee_of(held_chat) == holder


def test_only_the_holder_or_a_supervisor_may_transfer(
    held_chat: Conversation, agent_factory: AgentFactory
) -> None:
    bystander, receiver = agent_factory(), agent_factory()
    with pytest.raises(PermissionDenied):
        actions.transfer(conversation=held_chat, actor=bystander, to_agent=receiver)
    supervisor = agent_factory(role=Role.SUPERVISOR)
    actions.transfer(conversation=held_chat, actor=supervisor, to_agent=receiver)
    assert assignee_of(held_chat) == receiver


def test_an_unassigned_chat_is_taken_before_an_agent_transfers_it(
    chat_factory: ChatFactory, agent_factory: AgentFactory, chat_inbox: Inbox
) -> None:
    chat_inbox.config = {}
    chat_inbox.save()
    chat = chat_factory()
    with pytest.raises(PermissionDenied):
        actions.transfer(conversation=chat, actor=agent_factory(), to_agent=agent_factory())


def test_a_closed_chat_cannot_be_transferred(
    chat_factory: ChatFactory, holder: Agent, agent_factory: AgentFactory
) -> None:
    chat = chat_factory(assignee=holder, status=Status.CLOSED)
    with pytest.raises(InvalidTransition):
        actions.transfer(conversation=chat, actor=holder, to_agent=agent_factory())


def test_the_freed_slot_goes_to_the_queue_after_a_transfer(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    holder = agent_factory(max_concurrent=1)
    chat = chat_factory(assignee=holder)
    waiting = chat_factory()
    actions.transfer(conversation=chat, actor=holder, to_agent=agent_factory(max_concurrent=1))
    assert assignee_of(waiting) == holder


# The idle sweep, with the clock passed in.


def idle_chat(
    chat_factory: ChatFactory, agent: Agent, minutes_ago: int, **fields: Any
) -> Conversation:
    chat = chat_factory(assignee=agent, **fields)
    Message.objects.create(
        conversation=chat, kind=MessageKind.OUTBOUND, author_agent=agent, text="还在吗？"
    )
    chat.last_message_at = timezone.now() - timedelta(minutes=minutes_ago)
    chat.first_response_at = chat.last_message_at
    chat.save()
    return chat


@pytest.fixture
def idle_settings(settings: Any) -> None:
    settings.KEFU_CHAT_IDLE_WARNING_MINUTES = 10
    settings.KEFU_CHAT_IDLE_CLOSE_MINUTES = 5


@pytest.mark.usefixtures("idle_settings")
def test_an_idle_chat_is_warned_then_resolved(
    chat_factory: ChatFactory, holder: Agent, run_tasks: Callable[[], None]
) -> None:
    chat = idle_chat(chat_factory, holder, minutes_ago=11, language="en")
    now = timezone.now()
    assert actions.sweep_idle_chats(now) == actions.IdleSweep(warned=[chat.pk], closed=[])
    warning = Message.objects.filter(conversation=chat).latest("pk")
    assert warning.kind == MessageKind.OUTBOUND
    assert warning.text.startswith("Are you still there? This chat will close in 5 minutes")
    chat.refresh_from_db()
    assert warning.seq is not None
    assert warning.seq == chat.last_seq
    # A second sweep before the deadline neither warns again nor closes.
    assert actions.sweep_idle_chats(now + timedelta(minutes=4)) == actions.IdleSweep([], [])
    assert actions.sweep_idle_chats(now + timedelta(minutes=5)) == actions.IdleSweep(
        warned=[], closed=[chat.pk]
    )
    chat.refresh_from_db()
    assert chat.status == Status.RESOLVED
    assert AuditEntry.objects.filter(action="conversation.idle_resolve").count() == 1


@pytest.mark.usefixtures("idle_settings")
def test_the_warning_is_written_in_the_customers_language(
    chat_factory: ChatFactory, holder: Agent
) -> None:
    hans = idle_chat(chat_factory, holder, minutes_ago=11, language="zh-Hans")
    hant = idle_chat(chat_factory, holder, minutes_ago=11, language="zh-Hant")
    actions.sweep_idle_chats()
    texts = {m.conversation_id: m.text for m in Message.objects.filter(text__contains="5")}
    assert "5 分钟" in texts[hans.pk]
    assert "5 分鐘" in texts[hant.pk]


@pytest.mark.usefixtures("idle_settings")
def test_a_customer_reply_after_the_warning_keeps_the_chat_open(
    chat_factory: ChatFactory, holder: Agent
) -> None:
    chat = idle_chat(chat_factory, holder, minutes_ago=11)
    now = timezone.now()
    actions.sweep_idle_chats(now)
    Conversation.objects.filter(pk=chat.pk).update(last_message_at=now + timedelta(minutes=1))
    assert actions.sweep_idle_chats(now + timedelta(minutes=6)) == actions.IdleSweep([], [])
    chat.refresh_from_db()
    assert chat.status == Status.OPEN
    # Idle again later: a fresh warning.
    later = now + timedelta(minutes=12)
    assert actions.sweep_idle_chats(later).warned == [chat.pk]


@pytest.mark.usefixtures("idle_settings")
def test_chats_waiting_on_the_agent_or_in_the_queue_are_never_warned(
    chat_factory: ChatFactory, holder: Agent
) -> None:
    customer_spoke_last = chat_factory(assignee=holder)
    queued = chat_factory()
    old = timezone.now() - timedelta(minutes=30)
    Conversation.objects.filter(pk__in=[customer_spoke_last.pk, queued.pk]).update(
        last_message_at=old
    )
    recent = idle_chat(chat_factory, holder, minutes_ago=9)
    assert actions.sweep_idle_chats() == actions.IdleSweep([], [])
    assert recent.pk


@pytest.mark.usefixtures("idle_settings")
def test_resolving_an_idle_chat_frees_the_slot_for_the_queue(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    agent = agent_factory(max_concurrent=1)
    chat = idle_chat(chat_factory, agent, minutes_ago=11)
    waiting = chat_factory()
    now = timezone.now()
    actions.sweep_idle_chats(now)
    actions.sweep_idle_chats(now + timedelta(minutes=5))
    chat.refresh_from_db()
    assert chat.status == Status.RESOLVED
    assert assignee_of(waiting) == agent


def test_a_chat_sent_back_to_the_team_goes_to_someone_else(
    chat_factory: ChatFactory, agent_factory: AgentFactory
) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    holder, colleague = agent_factory(), agent_factory()
    for member in (holder, colleague):
        member.teams.add(team)
    chat = chat_factory(assignee=holder, team=team)
    chat_factory(assignee=colleague)  # the colleague is busier than the holder will be
    actions.transfer(conversation=chat, actor=holder, to_team=team)
    assert assignee_of(chat) == colleague


# -- service schedules ------------------------------------------------------------------------


def test_weekly_hours_are_replaced_audited_and_the_schedule_marked_changed(
    agent_factory: AgentFactory,
) -> None:
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    before = schedule.changed_at
    admin = agent_factory(role=Role.ADMIN)
    shifts = [Shift(0, time(22), time(6)), Shift(1, time(6), time(14))]
    actions.set_weekly_hours(actor=admin, schedule=schedule, shifts=shifts)
    schedule.refresh_from_db()
    assert [str(hours) for hours in schedule.hours.all()] == [
        "Monday 22:00–06:00",
        "Tuesday 06:00–14:00",
    ]
    assert schedule.changed_at > before
    entry = AuditEntry.objects.get(action="service_hours.weekly_hours")
    assert entry.actor == admin


def test_overlapping_weekly_hours_are_refused_and_nothing_changes(
    agent_factory: AgentFactory,
) -> None:
    schedule = ServiceSchedule.objects.create()
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    with pytest.raises(ValidationError) as raised:
        actions.set_weekly_hours(
            actor=agent_factory(role=Role.ADMIN),
            schedule=schedule,
            shifts=[Shift(6, time(22), time(6)), Shift(0, time(5), time(12))],
        )
    assert raised.value.messages == [
        "The shifts Sunday 22:00–06:00 and Monday 05:00–12:00 overlap; "
        "make one end before the other begins."
    ]
    assert [str(hours) for hours in schedule.hours.all()] == ["Monday 09:00–18:00"]


def test_an_empty_week_is_refused_unless_extended_hours_are_on(
    agent_factory: AgentFactory,
) -> None:
    admin = agent_factory(role=Role.ADMIN)
    schedule = ServiceSchedule.objects.create()
    with pytest.raises(ValidationError, match="Set at least one row of weekly hours"):
        actions.set_weekly_hours(actor=admin, schedule=schedule, shifts=[])
    schedule.extended_hours = True
    actions.set_weekly_hours(actor=admin, schedule=schedule, shifts=[])
    assert not schedule.hours.exists()


def test_only_administrators_set_weekly_hours(agent_factory: AgentFactory) -> None:
    schedule = ServiceSchedule.objects.create()
    with pytest.raises(PermissionDenied):
        actions.set_weekly_hours(
            actor=agent_factory(role=Role.SUPERVISOR),
            schedule=schedule,
            shifts=[Shift(0, time(9), time(18))],
        )


def test_extended_hours_mark_the_schedule_changed(agent_factory: AgentFactory) -> None:
    schedule = ServiceSchedule.objects.create()
    before = schedule.changed_at
    actions.set_extended_hours(
        actor=agent_factory(role=Role.SUPERVISOR), schedule=schedule, on=True
    )
    schedule.refresh_from_db()
    assert schedule.extended_hours
    assert schedule.changed_at > before


def test_importing_china_2026_fills_holidays_and_make_up_days() -> None:
    schedule = ServiceSchedule.objects.create(country="CN")
    before = schedule.changed_at
    [result] = actions.import_calendar(schedule=schedule, years=[2026])
    national_day = Holiday.objects.get(schedule=schedule, date=date(2026, 10, 1))
    assert (national_day.name, national_day.source) == ("国庆节", Source.IMPORTED)
    # The library knows the 调休 of 2026: Sunday 20 September and Saturday 10 October are
    # worked for the National Day week.
    make_up = set(WorkingDay.objects.filter(schedule=schedule).values_list("date", flat=True))
    assert {date(2026, 9, 20), date(2026, 10, 10), date(2026, 1, 4)} <= make_up
    assert all(day.year == 2026 for day in make_up)
    assert result.created == result.holidays + result.working_days
    assert result.holidays >= 20
    schedule.refresh_from_db()
    assert schedule.changed_at > before


def test_an_import_again_changes_nothing_and_keeps_local_entries() -> None:
    schedule = ServiceSchedule.objects.create(country="CN")
    actions.import_calendar(schedule=schedule, years=[2026])
    # Local overrides: closed on the make-up Saturday, an imported holiday taken over
    # (renamed) by the administrator, and a company day off.
    Holiday.objects.create(schedule=schedule, date=date(2026, 10, 10), name="Team trip")
    WorkingDay.objects.filter(date=date(2026, 10, 10)).delete()
    Holiday.objects.filter(date=date(2026, 10, 7)).update(name="Ours", source=Source.LOCAL)
    Holiday.objects.create(schedule=schedule, date=date(2026, 3, 3), name="Company day")
    changed_at = ServiceSchedule.objects.get().changed_at

    [result] = actions.import_calendar(schedule=schedule, years=[2026])

    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.kept_local == 2
    assert not WorkingDay.objects.filter(date=date(2026, 10, 10)).exists()
    assert Holiday.objects.get(date=date(2026, 10, 7)).name == "Ours"
    assert Holiday.objects.get(date=date(2026, 3, 3)).source == Source.LOCAL
    assert ServiceSchedule.objects.get().changed_at == changed_at


def test_an_import_renames_and_removes_only_imported_entries() -> None:
    schedule = ServiceSchedule.objects.create(country="CN")
    actions.import_calendar(schedule=schedule, years=[2026])
    Holiday.objects.filter(date=date(2026, 10, 1)).update(name="old name")
    Holiday.objects.create(schedule=schedule, date=date(2026, 3, 4), source=Source.IMPORTED)
    WorkingDay.objects.create(schedule=schedule, date=date(2026, 3, 7), source=Source.IMPORTED)
    [result] = actions.import_calendar(schedule=schedule, years=[2026])
    assert (result.created, result.updated, result.removed) == (0, 1, 2)
    assert Holiday.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert not Holiday.objects.filter(date=date(2026, 3, 4)).exists()
    assert not WorkingDay.objects.filter(date=date(2026, 3, 7)).exists()


def test_an_import_needs_a_country() -> None:
    schedule = ServiceSchedule.objects.create(country="")
    with pytest.raises(ValidationError) as raised:
        actions.import_calendar(schedule=schedule, years=[2026])
    assert raised.value.messages == ["“Default service hours” has no holiday calendar country set."]


def test_an_unknown_country_code_is_refused() -> None:
    schedule = ServiceSchedule(country="XX")
    with pytest.raises(ValidationError) as raised:
        schedule.full_clean()
    assert raised.value.message_dict["country"] == [
        "“XX” is not a country code the holiday calendar knows, such as CN, HK or TW."
    ]
