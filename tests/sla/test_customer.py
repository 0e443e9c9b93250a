"""The case's state as the customer reads it, in three languages, with the next answer."""

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.agents.models import Agent, Team
from kefu.conversations.models import Conversation, Status, Tier
from kefu.routing.models import ServiceSchedule, WeeklyHours
from kefu.sla.customer import CaseStep, case_state, case_states

pytestmark = pytest.mark.django_db

LABELS = {
    "en": {
        CaseStep.RECEIVED: "Received",
        CaseStep.HANDLED: "Being handled by support",
        CaseStep.TECHNICAL: "Escalated to the technical team",
        CaseStep.MANAGEMENT: "Under review by management",
        CaseStep.WAITING_FOR_YOU: "Waiting for your reply",
        CaseStep.RESOLVED: "Resolved",
    },
    "zh-Hans": {
        CaseStep.RECEIVED: "已收到",
        CaseStep.HANDLED: "客服正在处理",
        CaseStep.TECHNICAL: "已升级至技术团队",
        CaseStep.MANAGEMENT: "管理层审核中",
        CaseStep.WAITING_FOR_YOU: "等待您的回复",
        CaseStep.RESOLVED: "已解决",
    },
    "zh-Hant": {
        CaseStep.RECEIVED: "已收到",
        CaseStep.HANDLED: "客服正在處理",
        CaseStep.TECHNICAL: "已升級至技術團隊",
        CaseStep.MANAGEMENT: "管理層審核中",
        CaseStep.WAITING_FOR_YOU: "等待您的回覆",
        CaseStep.RESOLVED: "已解決",
    },
}


@pytest.fixture
def by_step(
    conversation_factory: Callable[..., Conversation], agent: Agent
) -> dict[CaseStep, Conversation]:
    return {
        CaseStep.RECEIVED: conversation_factory(),
        CaseStep.HANDLED: conversation_factory(assignee=agent),
        CaseStep.TECHNICAL: conversation_factory(tier=Tier.L2, assignee=agent),
        CaseStep.MANAGEMENT: conversation_factory(tier=Tier.MANAGEMENT),
        CaseStep.WAITING_FOR_YOU: conversation_factory(status=Status.PENDING, tier=Tier.L2),
        CaseStep.RESOLVED: conversation_factory(status=Status.RESOLVED, tier=Tier.L2),
    }


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_each_state_is_labelled_in_the_customers_language(
    by_step: dict[CaseStep, Conversation], language: str
) -> None:
    for step, conversation in by_step.items():
        state = case_state(conversation, language)
        assert state.step == step
        assert state.label == LABELS[language][step]


def test_an_answered_case_is_being_handled_even_unassigned(
    conversation_factory: Callable[..., Conversation],
) -> None:
    conversation = conversation_factory(first_response_at=timezone.now())
    assert case_state(conversation, "en").step == CaseStep.HANDLED


def test_the_next_answer_is_the_response_deadline_in_the_customers_zone(
    conversation_factory: Callable[..., Conversation],
) -> None:
    now = datetime(2026, 12, 7, 2, 0, tzinfo=ZoneInfo("UTC"))
    conversation = conversation_factory(
        sla_due_at=now + timedelta(minutes=30), sla_due_target="next_response"
    )
    conversation.contact.timezone = "Europe/Berlin"
    state = case_state(conversation, "en", now=now)
    assert state.next_answer_at == now + timedelta(minutes=30)
    assert state.next_answer == "We expect to answer by 2026-12-07 03:30 (Europe/Berlin)."
    assert not state.late
    zh = case_state(conversation, "zh-Hans", now=now)
    assert zh.next_answer == "我们预计在 2026-12-07 03:30 (Europe/Berlin) 前答复您。"


def test_without_a_known_customer_zone_the_teams_zone_is_used(
    conversation_factory: Callable[..., Conversation],
) -> None:
    now = datetime(2026, 12, 7, 2, 0, tzinfo=ZoneInfo("UTC"))
    team = Team.objects.create(name="HK", slug="hk")
    ServiceSchedule.objects.create(team=team, timezone="Asia/Hong_Kong", extended_hours=True)
    conversation = conversation_factory(
        team=team, sla_due_at=now + timedelta(hours=1), sla_due_target="first_response"
    )
    conversation.contact.timezone = "Not/AZone"
    state = case_state(conversation, "zh-Hant", now=now)
    assert state.next_answer == "我們預計在 2026-12-07 11:00 (Asia/Hong_Kong) 前答覆您。"


def test_a_resolution_deadline_is_not_promised_as_an_answer(
    conversation_factory: Callable[..., Conversation],
) -> None:
    now = timezone.now()
    conversation = conversation_factory(
        sla_due_at=now + timedelta(days=2), sla_due_target="resolution"
    )
    state = case_state(conversation, "en", now=now)
    assert state.next_answer_at is None
    assert state.next_answer == ""


def test_a_late_case_says_so(conversation_factory: Callable[..., Conversation]) -> None:
    now = timezone.now()
    conversation = conversation_factory(
        sla_due_at=now - timedelta(minutes=1), sla_due_target="first_response"
    )
    state = case_state(conversation, "en", now=now)
    assert state.late
    assert "later than we promised" in state.next_answer


def test_without_a_deadline_the_customer_is_told_when_the_team_is_back(
    conversation_factory: Callable[..., Conversation],
) -> None:
    schedule = ServiceSchedule.objects.create(timezone="Asia/Shanghai")
    # Open 09:00–18:00 Shanghai on Mondays only; now is Sunday 2026-12-06 20:00 Shanghai.
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    now = datetime(2026, 12, 6, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    conversation = conversation_factory()
    state = case_state(conversation, "en", now=now)
    assert state.next_answer_at == datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert state.next_answer == "Our team is away now and back at 2026-12-07 09:00 (Asia/Shanghai)."


def test_waiting_and_resolved_cases_promise_no_answer(
    by_step: dict[CaseStep, Conversation],
) -> None:
    for step in (CaseStep.WAITING_FOR_YOU, CaseStep.RESOLVED):
        conversation = by_step[step]
        conversation.sla_due_at = timezone.now() + timedelta(hours=1)
        conversation.sla_due_target = "next_response"
        assert case_state(conversation, "en").next_answer == ""


def test_a_list_looks_up_each_teams_hours_once(
    conversation_factory: Callable[..., Conversation], django_assert_max_num_queries: Any
) -> None:
    schedule = ServiceSchedule.objects.create(timezone="Asia/Shanghai")
    WeeklyHours.objects.create(schedule=schedule, weekday=0, opens=time(9), closes=time(18))
    conversations = [conversation_factory() for _ in range(6)]
    loaded = list(
        Conversation.objects.filter(pk__in=[c.pk for c in conversations]).select_related(
            "contact", "team"
        )
    )
    # However the service hours are read (routing's business), they are read once for the
    # team: six cases cost what one does.
    with CaptureQueriesContext(connection) as one:
        case_states(loaded[:1], "en")
    assert len(one) > 0
    with django_assert_max_num_queries(len(one)):
        states = case_states(loaded, "en")
    assert [s.step for s in states] == [CaseStep.RECEIVED] * 6


def test_labels_alone_read_no_service_hours(
    conversation_factory: Callable[..., Conversation], django_assert_num_queries: Any
) -> None:
    conversation = conversation_factory(tier=Tier.L2)
    with django_assert_num_queries(0):
        [state] = case_states([conversation], "en", with_next_answer=False)
    assert state.label == "Escalated to the technical team"
    assert state.next_answer == ""
