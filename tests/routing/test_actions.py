from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
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
