"""Each clock rule, driven through the conversation actions that trigger it."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, Message, MessageKind, Status
from kefu.inboxes.models import Inbox
from kefu.routing.actions import set_extended_hours
from kefu.routing.models import ServiceSchedule, WeeklyHours
from kefu.sla import clock as sla_clock
from kefu.sla import sweep
from kefu.sla.models import Clock, EventKind, SlaEvent, SlaPolicy, Target

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def _open(inbox: Inbox, text: str = "我的账户被锁了", **fields: Any) -> Conversation:
    fields.setdefault("identity_kind", "email")
    fields.setdefault("identity_value", "li.na@example.com")
    message = actions.receive_message(InboundMessage(inbox=inbox, text=text, **fields))
    return message.conversation


def _write(conversation: Conversation, text: str = "还在等") -> Message:
    return actions.receive_message(
        InboundMessage(
            inbox=conversation.inbox,
            text=text,
            contact=conversation.contact,
            conversation=conversation,
        )
    )


def clocks(conversation: Conversation) -> dict[str, Clock]:
    return {c.target: c for c in Clock.objects.filter(conversation=conversation)}


def events(conversation: Conversation) -> list[tuple[str, str]]:
    return list(
        SlaEvent.objects.filter(conversation=conversation)
        .order_by("pk")
        .values_list("target", "kind")
    )


def _fresh(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def supervisor(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR)


def test_opening_starts_first_response_resolution_and_updates(
    inbox: Inbox, policy: SlaPolicy
) -> None:
    before = timezone.now()
    conversation = _open(inbox)
    found = clocks(conversation)
    assert set(found) == {Target.FIRST_RESPONSE, Target.RESOLUTION, Target.PERIODIC_UPDATE}
    first = found[Target.FIRST_RESPONSE]
    assert first.policy == policy
    assert not first.business
    assert first.due_at is not None
    assert before + 30 * MINUTE <= first.due_at <= timezone.now() + 30 * MINUTE
    assert first.check_at == first.due_at - 10 * MINUTE  # the warning comes first
    assert found[Target.RESOLUTION].due_at == first.started_at + timedelta(days=3)
    conversation = _fresh(conversation)
    assert (conversation.sla_due_at, conversation.sla_due_target) == (
        first.due_at,
        Target.FIRST_RESPONSE,
    )
    assert sorted(events(conversation)) == sorted(
        (t, EventKind.STARTED)
        for t in (Target.FIRST_RESPONSE, Target.RESOLUTION, Target.PERIODIC_UPDATE)
    )


def test_no_matching_policy_starts_nothing(
    inbox: Inbox, policy_factory: Callable[..., SlaPolicy]
) -> None:
    policy_factory(channels=["webchat"], first_response_minutes=5)
    conversation = _fresh(_open(inbox))
    assert clocks(conversation) == {}
    assert conversation.sla_due_at is None
    assert conversation.sla_due_target == ""


def test_replies_fulfil_first_then_next_response_and_restart_updates(
    inbox: Inbox, policy: SlaPolicy, agent: Agent
) -> None:
    conversation = _open(inbox)
    update_due = clocks(conversation)[Target.PERIODIC_UPDATE].due_at
    actions.send_reply(conversation=conversation, agent=agent, text="我们正在核实")
    found = clocks(conversation)
    assert found[Target.FIRST_RESPONSE].fulfilled_at is not None
    assert found[Target.FIRST_RESPONSE].check_at is None
    update = found[Target.PERIODIC_UPDATE]
    assert update.fulfilled_at is None
    assert update.due_at is not None
    assert update_due is not None
    assert update.due_at >= update_due
    assert Target.NEXT_RESPONSE not in found

    _write(conversation)
    waiting = clocks(conversation)[Target.NEXT_RESPONSE]
    assert waiting.due_at is not None
    assert waiting.fulfilled_at is None
    assert _fresh(conversation).sla_due_target == Target.NEXT_RESPONSE
    _write(conversation, "还在吗？")  # a second message does not restart the wait
    assert clocks(conversation)[Target.NEXT_RESPONSE].due_at == waiting.due_at

    actions.send_reply(conversation=conversation, agent=agent, text="已处理")
    assert clocks(conversation)[Target.NEXT_RESPONSE].fulfilled_at is not None
    assert (Target.NEXT_RESPONSE, EventKind.FULFILLED) in events(conversation)
    assert events(conversation).count((Target.PERIODIC_UPDATE, EventKind.FULFILLED)) == 2


def test_each_customer_message_after_an_answer_starts_the_next_response_again(
    inbox: Inbox, policy_factory: Callable[..., SlaPolicy], agent: Agent
) -> None:
    policy_factory(first_response_minutes=5, next_response_minutes=5, warn_before_minutes=2)
    conversation = _open(inbox)
    for turn in range(2):
        actions.send_reply(conversation=conversation, agent=agent, text=f"回复 {turn}")
        assert all(c.fulfilled_at for c in clocks(conversation).values())
        assert _fresh(conversation).sla_due_at is None
        _write(conversation, f"追问 {turn}")
        assert clocks(conversation)[Target.NEXT_RESPONSE].fulfilled_at is None
        assert _fresh(conversation).sla_due_target == Target.NEXT_RESPONSE
    assert events(conversation).count((Target.NEXT_RESPONSE, EventKind.STARTED)) == 2


def test_a_customer_message_before_the_first_answer_starts_no_next_response(
    inbox: Inbox, policy: SlaPolicy
) -> None:
    conversation = _open(inbox)
    _write(conversation)
    assert Target.NEXT_RESPONSE not in clocks(conversation)


def test_an_automatic_message_fulfils_nothing(inbox: Inbox, policy: SlaPolicy) -> None:
    conversation = _open(inbox)
    before = clocks(conversation)
    message = actions.send_automatic(conversation=conversation, text="我们已收到您的消息")
    assert message is not None  # the conversation's channel takes replies
    assert message.author_agent_id is None
    assert message.kind == MessageKind.OUTBOUND
    # Even if told of it as a reply, the listener ignores a message without an agent.
    sla_clock.agent_replied(conversation, message, timezone.now())
    after = clocks(conversation)
    for target, clock in before.items():
        assert after[target].fulfilled_at is None
        assert after[target].due_at == clock.due_at


def test_pending_pauses_all_but_the_first_response_and_credits_the_pause(
    conversation_factory: Callable[..., Conversation], policy: SlaPolicy
) -> None:
    conversation = conversation_factory()
    t0 = timezone.now()
    sla_clock.opened(conversation, t0)
    conversation.status = Status.PENDING
    sla_clock.status_changed(conversation, Status.OPEN, t0 + timedelta(hours=1))
    found = clocks(conversation)
    resolution = found[Target.RESOLUTION]
    assert resolution.due_at is None
    assert resolution.check_at is None
    assert resolution.remaining == timedelta(days=3) - timedelta(hours=1)
    assert found[Target.FIRST_RESPONSE].paused_at is None  # still owed
    assert _fresh(conversation).sla_due_target == Target.FIRST_RESPONSE

    conversation.status = Status.OPEN
    sla_clock.status_changed(conversation, Status.PENDING, t0 + timedelta(hours=5))
    resolution = clocks(conversation)[Target.RESOLUTION]
    # Four hours waiting on the customer do not count.
    assert resolution.due_at == t0 + timedelta(days=3) + timedelta(hours=4)
    assert resolution.paused_at is None
    assert resolution.remaining is None
    kinds = [k for t, k in events(conversation) if t == Target.RESOLUTION]
    assert kinds == [EventKind.STARTED, EventKind.PAUSED, EventKind.RESUMED]


def test_the_customer_writing_resumes_a_pending_conversation(
    inbox: Inbox, policy: SlaPolicy, agent: Agent
) -> None:
    conversation = _open(inbox)
    actions.send_reply(
        conversation=conversation, agent=agent, text="请提供截图", then_status=Status.PENDING
    )
    assert clocks(conversation)[Target.RESOLUTION].paused_at is not None
    assert _fresh(conversation).sla_due_at is None  # nothing runs while we wait
    _write(conversation, "截图在这里")
    found = clocks(conversation)
    assert found[Target.RESOLUTION].paused_at is None
    assert found[Target.RESOLUTION].due_at is not None
    assert found[Target.NEXT_RESPONSE].due_at is not None
    assert _fresh(conversation).sla_due_target == Target.NEXT_RESPONSE


@pytest.mark.parametrize("pause_on_hold", [True, False])
def test_on_hold_pauses_only_when_the_policy_says_so(
    inbox: Inbox,
    policy_factory: Callable[..., SlaPolicy],
    supervisor: Agent,
    pause_on_hold: bool,
) -> None:
    policy_factory(resolution_minutes=600, pause_on_hold=pause_on_hold)
    conversation = _open(inbox)
    actions.change_status(conversation=conversation, actor=supervisor, status=Status.ON_HOLD)
    resolution = clocks(conversation)[Target.RESOLUTION]
    assert (resolution.paused_at is not None) is pause_on_hold
    assert (resolution.due_at is None) is pause_on_hold


def test_resolving_stops_every_clock_and_reopening_resumes_resolution(
    inbox: Inbox, policy: SlaPolicy, agent: Agent
) -> None:
    conversation = _open(inbox)
    actions.send_reply(
        conversation=conversation, agent=agent, text="已解锁", then_status="resolved"
    )
    found = clocks(conversation)
    assert all(c.stopped_at or c.fulfilled_at for c in found.values())
    assert all(c.check_at is None for c in found.values())
    assert _fresh(conversation).sla_due_at is None
    resolution = found[Target.RESOLUTION]
    assert resolution.remaining is not None
    assert resolution.remaining > timedelta(days=2)

    _write(conversation, "又被锁了")
    found = clocks(conversation)
    resolved_again = found[Target.RESOLUTION]
    assert resolved_again.stopped_at is None
    assert resolved_again.due_at is not None
    assert found[Target.NEXT_RESPONSE].due_at is not None
    assert (Target.RESOLUTION, EventKind.RESUMED) in events(conversation)


def test_merging_keeps_the_earliest_obligations(
    inbox: Inbox, policy: SlaPolicy, contact_factory: Callable[..., Contact], supervisor: Agent
) -> None:
    contact = contact_factory()
    earlier = _open(inbox, contact=contact)
    later = _open(inbox, text="第二封", contact=contact)
    # The duplicate was waiting longer: its first response is due first.
    due = timezone.now() + 5 * MINUTE
    Clock.objects.filter(conversation=earlier, target=Target.FIRST_RESPONSE).update(due_at=due)
    actions.merge(source=earlier, target=later, actor=supervisor)
    kept = clocks(later)
    assert kept[Target.FIRST_RESPONSE].due_at == due
    assert kept[Target.FIRST_RESPONSE].check_at == due  # the warning time has passed
    assert kept[Target.RESOLUTION].due_at == clocks(later)[Target.RESOLUTION].due_at
    assert _fresh(later).sla_due_at == due
    gone = clocks(earlier)
    assert all(c.stopped_at is not None for c in gone.values())
    assert _fresh(earlier).sla_due_at is None


def test_a_new_policy_replaces_the_targets_from_the_same_start(
    inbox: Inbox, policy_factory: Callable[..., SlaPolicy], supervisor: Agent
) -> None:
    policy_factory(position=10, priorities=["urgent"], first_response_minutes=15)
    normal = policy_factory(position=20, first_response_minutes=60, resolution_minutes=600)
    conversation = _open(inbox)
    first = clocks(conversation)[Target.FIRST_RESPONSE]
    assert first.policy == normal
    actions.set_priority(conversation=conversation, actor=supervisor, priority="urgent")
    found = clocks(conversation)
    assert found[Target.FIRST_RESPONSE].due_at == first.started_at + 15 * MINUTE
    assert found[Target.FIRST_RESPONSE].started_at == first.started_at
    assert found[Target.RESOLUTION].stopped_at is not None  # the urgent policy has none
    assert _fresh(conversation).sla_due_at == first.started_at + 15 * MINUTE


def test_a_customer_message_updates_deadlines_in_a_few_queries(
    inbox: Inbox, policy: SlaPolicy, agent: Agent, django_assert_num_queries: Any
) -> None:
    conversation = _open(inbox)
    actions.send_reply(conversation=conversation, agent=agent, text="您好")
    _write(conversation, "warm-up")
    actions.send_reply(conversation=conversation, agent=agent, text="好的")
    with django_assert_num_queries(TOTAL) as queries:
        _write(conversation, "还有一个问题")
    sla = [
        q["sql"] for q in queries.captured_queries if "sla_" in q["sql"] or "sla_due_at" in q["sql"]
    ]
    # Read the clocks, restart next response (one update), its event, and the
    # conversation's next deadline: four, however many clocks the case has.
    assert len(sla) == 4, sla
    assert clocks(conversation)[Target.NEXT_RESPONSE].fulfilled_at is None


# The whole customer-message write on SQLite, SLA included.
TOTAL = 10


def test_a_calendar_without_working_time_gives_no_deadline_and_says_why(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The default schedule has no weekly hours: business time never passes in it.
    ServiceSchedule.objects.create()
    policy_factory(first_response_minutes=60, first_response_business=True)
    conversation = conversation_factory()
    with caplog.at_level("WARNING", logger="kefu.sla.clock"), translation.override("en"):
        sla_clock.opened(conversation, timezone.now())
    first = clocks(conversation)[Target.FIRST_RESPONSE]
    assert first.due_at is None  # not a far-off date nobody would notice
    assert first.check_at is None
    assert first.problem.startswith("No deadline")
    assert first.paused_at is None
    assert first.stopped_at is None
    assert _fresh(conversation).sla_due_at is None
    assert "has no deadline" in caplog.text


# --- business time (the routing calendars) ------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in Shanghai in the week of Friday 27 November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def office() -> ServiceSchedule:
    """The default schedule: Monday to Friday, 09:00–18:00 in Shanghai."""
    schedule = ServiceSchedule.objects.create(timezone="Asia/Shanghai", country="")
    WeeklyHours.objects.bulk_create(
        WeeklyHours(schedule=schedule, weekday=day, opens=time(9), closes=time(18))
        for day in range(5)
    )
    return schedule


def test_a_business_deadline_skips_the_weekend(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
    office: ServiceSchedule,
) -> None:
    policy_factory(first_response_minutes=120, first_response_business=True)
    conversation = conversation_factory()
    sla_clock.opened(conversation, sh(27, 17))  # Friday, an hour before closing
    first = clocks(conversation)[Target.FIRST_RESPONSE]
    assert first.due_at == sh(30, 10)  # Monday
    assert first.budget == timedelta(hours=2)
    assert first.problem == ""


def test_a_business_clock_paused_over_the_weekend_keeps_its_working_time(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
    office: ServiceSchedule,
) -> None:
    policy_factory(resolution_minutes=600, resolution_business=True)
    conversation = conversation_factory()
    sla_clock.opened(conversation, sh(27, 17))
    assert clocks(conversation)[Target.RESOLUTION].due_at == sh(30, 18)
    conversation.status = Status.PENDING
    sla_clock.status_changed(conversation, Status.OPEN, sh(27, 17, 30))
    assert clocks(conversation)[Target.RESOLUTION].remaining == timedelta(hours=9, minutes=30)
    conversation.status = Status.OPEN
    sla_clock.status_changed(conversation, Status.PENDING, sh(30, 9))
    assert clocks(conversation)[Target.RESOLUTION].due_at == sh(1, 9, 30).replace(month=12)


def test_extended_hours_switched_on_mid_case_bring_the_deadline_forward(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
    office: ServiceSchedule,
    supervisor: Agent,
) -> None:
    policy_factory(resolution_minutes=600, resolution_business=True)
    conversation = conversation_factory()
    t0 = timezone.now() - MINUTE
    sla_clock.opened(conversation, t0)
    before = clocks(conversation)[Target.RESOLUTION].due_at
    assert before is not None
    assert before > t0 + timedelta(hours=10)  # nine working hours a day
    set_extended_hours(actor=supervisor, schedule=office, on=True)
    sweep.run()
    resolution = clocks(conversation)[Target.RESOLUTION]
    assert resolution.due_at == t0 + timedelta(hours=10)  # around the clock now
    assert _fresh(conversation).sla_due_at == resolution.due_at
    # Done once: the clock now counts from after the change.
    assert resolution.computed_at is not None
    assert resolution.computed_at > office.changed_at


def test_an_answered_phone_call_fulfils_the_first_response(
    inbox: Inbox, policy: SlaPolicy, agent: Agent
) -> None:
    conversation = _open(inbox)
    actions.answered_by_phone(conversation=conversation, agent=agent)
    assert clocks(conversation)[Target.FIRST_RESPONSE].fulfilled_at is not None
