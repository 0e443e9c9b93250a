"""The deadline sweep: each warning and breach once, its consequences, its cost."""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.conversations.models import Conversation, Message, MessageKind, Priority, Tier
from kefu.core import scheduler
from kefu.core.models import AuditEntry
from kefu.sla import clock as sla_clock
from kefu.sla import sweep
from kefu.sla.models import Clock, Escalation, EventKind, SlaEvent, SlaPolicy, Target

MINUTE = timedelta(minutes=1)


def _alerts() -> list[list[Any]]:
    """Every alert queued for mailing, over all jobs."""
    return [
        alert
        for job in DBTaskResult.objects.filter(task_path="kefu.sla.tasks.mail_alerts")
        for alert in job.args_kwargs["args"][0]
    ]


def _started(
    conversation_factory: Callable[..., Conversation], t0: datetime, **fields: Any
) -> Conversation:
    conversation = conversation_factory(**fields)
    sla_clock.opened(conversation, t0)
    return conversation


def _clock(conversation: Conversation, target: str) -> Clock:
    return Clock.objects.get(conversation=conversation, target=target)


@pytest.fixture
def t0() -> datetime:
    return timezone.now()


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], dict[str, Any]]]:
    sent: list[tuple[list[str], dict[str, Any]]] = []
    # Every event passes here, one at a time or a batch in one hop.
    monkeypatch.setattr("kefu.core.events.publish_all", sent.extend)
    return sent


@pytest.mark.django_db
class TestWarningsAndBreaches:
    def test_a_warning_is_sent_once_before_the_deadline(
        self,
        conversation_factory: Callable[..., Conversation],
        policy: SlaPolicy,
        t0: datetime,
        published: list[Any],
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        conversation = _started(conversation_factory, t0)
        assert sweep.run(t0 + 19 * MINUTE).summary() == ""
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep.run(t0 + 21 * MINUTE)
        first = _clock(conversation, Target.FIRST_RESPONSE)
        assert result.warned == [first.pk]
        assert result.breached == []
        assert first.warned_at == t0 + 21 * MINUTE
        assert first.check_at == first.due_at  # next: the deadline itself
        assert sweep.run(t0 + 22 * MINUTE).summary() == ""
        assert SlaEvent.objects.filter(kind=EventKind.WARNED).count() == 1
        assert _alerts() == [[conversation.pk, Target.FIRST_RESPONSE, "warning"]]
        event = {
            "kind": "sla_alert",
            "conversation_id": conversation.pk,
            "target": Target.FIRST_RESPONSE,
            "level": "warning",
        }
        assert published.count((["agents"], event)) == 1

    def test_a_breach_is_recorded_once_and_raises_the_conversation(
        self,
        conversation_factory: Callable[..., Conversation],
        policy: SlaPolicy,
        t0: datetime,
    ) -> None:
        conversation = _started(conversation_factory, t0)
        result = sweep.run(t0 + 31 * MINUTE)
        first = _clock(conversation, Target.FIRST_RESPONSE)
        assert result.breached == [first.pk]
        assert result.warned == []  # too late to warn: the breach says it all
        assert first.breached_at == t0 + 31 * MINUTE
        assert first.check_at is None
        assert first.fulfilled_at is None  # still owed, and overdue
        assert sweep.run(t0 + 40 * MINUTE).breached == []
        assert SlaEvent.objects.filter(kind=EventKind.BREACHED).count() == 1
        conversation.refresh_from_db()
        assert conversation.sla_breached
        assert conversation.priority == Priority.HIGH  # one step up from normal
        assert conversation.sla_due_at == first.due_at  # overdue stays visible
        assert AuditEntry.objects.filter(action="conversation.sla_breach").count() == 1
        assert _alerts() == [[conversation.pk, Target.FIRST_RESPONSE, "breach"]]

    def test_two_breaches_of_one_conversation_raise_it_one_step(
        self, conversation_factory: Callable[..., Conversation], policy: SlaPolicy, t0: datetime
    ) -> None:
        conversation = _started(conversation_factory, t0)
        result = sweep.run(t0 + timedelta(days=4))
        assert len(result.breached) == 3  # first response, update, resolution
        conversation.refresh_from_db()
        assert conversation.priority == Priority.HIGH

    def test_a_policy_may_escalate_on_breach(
        self,
        conversation_factory: Callable[..., Conversation],
        policy_factory: Callable[..., SlaPolicy],
        t0: datetime,
    ) -> None:
        policy_factory(first_response_minutes=15, warn_before_minutes=5, escalate_on_breach=True)
        conversation = _started(conversation_factory, t0)
        sweep.run(t0 + 16 * MINUTE)
        escalation = Escalation.objects.get(conversation=conversation)
        assert escalation.by_agent is None
        assert escalation.by_contact is None
        assert "首次回复" in escalation.reason  # the site language (no request here)
        conversation.refresh_from_db()
        assert conversation.tier == Tier.L2

    def test_a_missed_update_sends_a_holding_update_and_restarts_its_clock(
        self,
        conversation_factory: Callable[..., Conversation],
        policy_factory: Callable[..., SlaPolicy],
        t0: datetime,
    ) -> None:
        policy_factory(update_minutes=60, resolution_minutes=600, warn_before_minutes=10)
        conversation = _started(conversation_factory, t0, language="en")
        at = t0 + 61 * MINUTE
        sweep.run(at)
        update = _clock(conversation, Target.PERIODIC_UPDATE)
        assert update.due_at == at + 60 * MINUTE
        assert update.breached_at is None  # a new period; the breach is on record
        assert SlaEvent.objects.filter(
            target=Target.PERIODIC_UPDATE, kind=EventKind.BREACHED
        ).exists()
        message = Message.objects.get(conversation=conversation, kind=MessageKind.OUTBOUND)
        assert message.author_agent_id is None
        local = timezone.localtime(update.due_at, ZoneInfo("Asia/Shanghai"))
        assert message.text == (
            f"We are still investigating {conversation.reference}. "
            f"Next update by {local:%Y-%m-%d %H:%M} (Asia/Shanghai)."
        )
        conversation.refresh_from_db()
        assert conversation.sla_breached

    @pytest.mark.parametrize(
        ("language", "words"), [("zh-Hans", "我们仍在调查"), ("zh-Hant", "我們仍在調查")]
    )
    def test_the_holding_update_is_in_the_conversation_language(
        self,
        conversation_factory: Callable[..., Conversation],
        language: str,
        words: str,
    ) -> None:
        conversation = conversation_factory(language=language)
        text = sweep.holding_update_text(conversation, timezone.now())
        assert words in text
        assert conversation.reference in text


@pytest.mark.django_db
def test_a_sweep_batch_costs_the_same_few_queries_however_many_clocks(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
    t0: datetime,
    django_assert_num_queries: Any,
) -> None:
    policy_factory(first_response_minutes=30, warn_before_minutes=10)
    for _ in range(3):
        _started(conversation_factory, t0)
    # Savepoint; calendars changed lately (none); the due clocks (with policy and
    # conversation); their update; the events; the mail job; release.
    with django_assert_num_queries(7):
        assert len(sweep.run(t0 + 21 * MINUTE).warned) == 3
    Clock.objects.update(fulfilled_at=t0, check_at=None)  # answered in time
    for _ in range(12):
        _started(conversation_factory, t0 + 10 * MINUTE)
    with django_assert_num_queries(7):
        assert len(sweep.run(t0 + 31 * MINUTE).warned) == 12
    # Breaches cost three more, however many: the conversations locked and read, their
    # mark and priority (one statement per priority they had: one here), the audit entries.
    with django_assert_num_queries(7 + 3):
        assert len(sweep.run(t0 + 41 * MINUTE).breached) == 12


@pytest.mark.django_db
def test_the_sweep_is_a_scheduler_job(settings: Any) -> None:
    job = next(job for job in scheduler.registered() if job.name == "sla.deadlines")
    settings.KEFU_SLA_SWEEP_SECONDS = 45
    assert job.every() == timedelta(seconds=45)
    assert job.run() == ""


# --- two sweeps at once ----------------------------------------------------------------

on_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="SKIP LOCKED between two sweeps is checked in the PostgreSQL run",
)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_warn_and_breach_each_clock_once(
    conversation_factory: Callable[..., Conversation],
    policy_factory: Callable[..., SlaPolicy],
) -> None:
    policy_factory(first_response_minutes=30, resolution_minutes=60, warn_before_minutes=10)
    t0 = timezone.now()
    conversations = [_started(conversation_factory, t0) for _ in range(40)]
    errors: list[BaseException] = []
    for at in (t0 + 21 * MINUTE, t0 + 61 * MINUTE):
        start = threading.Barrier(2)

        def sweep_once(at: datetime = at, start: threading.Barrier = start) -> None:
            try:
                start.wait()
                sweep.run(at)
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=sweep_once) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
    ids = [c.pk for c in conversations]
    warned = SlaEvent.objects.filter(kind=EventKind.WARNED, conversation__in=ids)
    assert sorted(warned.values_list("conversation_id", flat=True)) == sorted(ids)
    breached = SlaEvent.objects.filter(kind=EventKind.BREACHED, conversation__in=ids)
    assert sorted(breached.values_list("conversation_id", "target")) == sorted(
        (pk, target) for pk in ids for target in (Target.FIRST_RESPONSE, Target.RESOLUTION)
    )
    alerts = _alerts()
    assert len(alerts) == len({tuple(a) for a in alerts}) == 40 + 80
    assert AuditEntry.objects.filter(action="conversation.sla_breach").count() == 40
