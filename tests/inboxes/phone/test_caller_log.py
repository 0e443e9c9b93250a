"""The caller log's writes: wrap-up, the missed-calls to-do, seen marks, linking a caller."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.core.intents import Intent
from kefu.core.models import AuditEntry
from kefu.inboxes.phone import actions, caller_log, caller_log_queries
from kefu.inboxes.phone.models import (
    Call,
    Callback,
    CallbackStatus,
    CallEventKind,
    CallStatus,
    Direction,
    PhoneLine,
    WrapUpOutcome,
)

pytestmark = pytest.mark.django_db

NUMBER = "+8613800138000"
_sids = iter(range(1, 10**6))


def _call(line: PhoneLine, number: str = NUMBER, direction: str = Direction.INBOUND) -> Call:
    sid = f"CA{next(_sids):032d}"
    if direction == Direction.INBOUND:
        return actions.start_call(
            line=line, sid=sid, direction=direction, from_number=number, to_number=line.number
        )
    return actions.start_call(
        line=line, sid=sid, direction=direction, from_number=line.number, to_number=number
    )


def _missed(line: PhoneLine, number: str = NUMBER) -> Call:
    return actions.ended(_call(line, number))


def _answered(line: PhoneLine, agent: Agent, number: str = NUMBER, **kw: Any) -> Call:
    call = actions.answered(_call(line, number, **kw), agent)
    return actions.ended(call)


def test_wrap_up_records_topic_outcome_timeline_and_audit(phone_line: PhoneLine, agent: Agent):
    call = _answered(phone_line, agent)
    caller_log.wrap_up(
        call=call, agent=agent, intent=Intent.WITHDRAWAL_DELAYED, outcome=WrapUpOutcome.RESOLVED
    )
    call.refresh_from_db()
    assert (call.wrap_up_intent, call.wrap_up_outcome) == ("withdrawal_delayed", "resolved")
    assert call.wrapped_up_at is not None
    event = call.events.get(kind=CallEventKind.WRAPPED_UP)
    assert event.agent == agent
    assert event.detail == {"intent": "withdrawal_delayed", "outcome": "resolved"}
    assert AuditEntry.objects.filter(action="call.wrap_up", target_id=str(call.pk)).exists()


@pytest.mark.parametrize(
    ("intent", "outcome"),
    [("not_an_intent", WrapUpOutcome.RESOLVED), (Intent.FEES, "maybe"), ("", "")],
)
def test_a_bad_wrap_up_is_refused_and_changes_nothing(
    phone_line: PhoneLine, agent: Agent, intent: str, outcome: str
):
    call = _answered(phone_line, agent)
    with pytest.raises(caller_log.WrapUpRefused):
        caller_log.wrap_up(call=call, agent=agent, intent=intent, outcome=outcome)
    call.refresh_from_db()
    assert call.wrapped_up_at is None
    assert not call.events.filter(kind=CallEventKind.WRAPPED_UP).exists()


def test_a_live_call_is_not_wrapped_up(phone_line: PhoneLine, agent: Agent):
    call = actions.answered(_call(phone_line), agent)
    with pytest.raises(caller_log.WrapUpRefused):
        caller_log.wrap_up(call=call, agent=agent, intent=Intent.FEES, outcome="resolved")


def test_only_the_calls_agent_or_a_supervisor_wraps_it_up(
    phone_line: PhoneLine, agent: Agent, agent_factory: Any
):
    call = _answered(phone_line, agent)
    with pytest.raises(PermissionDenied):
        caller_log.wrap_up(
            call=call, agent=agent_factory(), intent=Intent.FEES, outcome="no_action"
        )
    supervisor = agent_factory(role=Role.SUPERVISOR)
    caller_log.wrap_up(call=call, agent=supervisor, intent=Intent.FEES, outcome="no_action")
    assert Call.objects.get(pk=call.pk).wrap_up_outcome == "no_action"


def test_to_do_holds_missed_calls_until_the_number_is_reached(phone_line: PhoneLine, agent):
    missed = _missed(phone_line)
    other = _missed(phone_line, "+8613900139000")
    assert set(caller_log_queries.to_do()) == {missed, other}
    assert caller_log_queries.to_do_count() == 2
    # Called back from the console: an answered outgoing call to the number.
    _answered(phone_line, agent, direction=Direction.OUTBOUND)
    assert list(caller_log_queries.to_do()) == [other]


def test_an_answered_call_from_the_same_number_clears_it(phone_line: PhoneLine, agent):
    _missed(phone_line)
    _answered(phone_line, agent)
    assert caller_log_queries.to_do_count() == 0


def test_an_earlier_answered_call_does_not_clear_a_later_miss(phone_line: PhoneLine, agent):
    _answered(phone_line, agent)
    missed = _missed(phone_line)
    assert list(caller_log_queries.to_do()) == [missed]


def test_a_failed_callback_is_on_the_to_do_and_a_done_one_is_not(phone_line: PhoneLine):
    call = _call(phone_line)
    call.status = CallStatus.CALLBACK_REQUESTED
    call.save(update_fields=["status"])
    actions.ended(call)
    now = timezone.now()
    callback = Callback.objects.create(call=call, number=NUMBER, queued_at=now, next_attempt_at=now)
    assert caller_log_queries.to_do_count() == 0  # still waiting: nothing to do yet
    callback.status = CallbackStatus.FAILED
    callback.save(update_fields=["status"])
    assert list(caller_log_queries.to_do()) == [call]
    callback.status = CallbackStatus.DONE
    callback.save(update_fields=["status"])
    assert caller_log_queries.to_do_count() == 0


def test_mark_seen_and_mark_all_seen(phone_line: PhoneLine, agent: Agent):
    first, second, third = (_missed(phone_line, f"+861390013900{i}") for i in range(3))
    caller_log.mark_seen(call=first, agent=agent)
    assert set(caller_log_queries.to_do()) == {second, third}
    assert caller_log.mark_all_seen(agent) == 2
    assert caller_log_queries.to_do_count() == 0
    assert caller_log.mark_all_seen(agent) == 0
    entry = AuditEntry.objects.get(action="call.all_seen")
    assert sorted(entry.data["calls"]) == sorted([second.pk, third.pk])
    # Seen stays seen; a later miss from the same number is new work.
    later = _missed(phone_line, "+8613900139000")
    assert list(caller_log_queries.to_do()) == [later]


def test_link_caller_merges_the_unknown_caller_into_the_customer(
    phone_line: PhoneLine, agent: Agent, contact_factory: Any
):
    call = _missed(phone_line)
    unknown = call.contact
    assert unknown is not None
    customer: Contact = contact_factory(name="张伟")
    caller_log.link_caller(call=call, contact=customer, actor=agent)
    call.refresh_from_db()
    assert call.contact == customer
    assert call.conversation is not None
    assert call.conversation.contact == customer
    unknown.refresh_from_db()
    assert unknown.merged_into == customer
    # The number now belongs to the customer: the next call is matched.
    assert ContactIdentity.objects.get(kind=IdentityKind.PHONE, value=NUMBER).contact == customer
    assert _call(phone_line).contact == customer
    assert AuditEntry.objects.filter(action="call.link_caller").exists()


def test_linking_to_the_same_contact_is_refused(phone_line: PhoneLine, agent: Agent):
    call = _missed(phone_line)
    assert call.contact is not None
    with pytest.raises(caller_log.LinkRefused):
        caller_log.link_caller(call=call, contact=call.contact, actor=agent)


def test_a_call_without_a_caller_cannot_be_linked(
    phone_line: PhoneLine, agent: Agent, contact_factory: Any
):
    call = _call(phone_line)  # still ringing: no conversation, no contact yet
    with pytest.raises(caller_log.LinkRefused):
        caller_log.link_caller(call=call, contact=contact_factory(), actor=agent)


def test_the_log_lists_recent_calls_newest_first(phone_line: PhoneLine):
    old = _missed(phone_line)
    Call.objects.filter(pk=old.pk).update(started_at=timezone.now() - timedelta(days=1))
    new = _missed(phone_line, "+8613900139000")
    assert list(caller_log_queries.recent_calls()) == [new, old]
