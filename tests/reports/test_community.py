"""The community report over known rows: days in the report's zone, answers, official
answer times, what is waiting now, and a fixed number of queries."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.agents.models import Agent
from kefu.community.models import Member, Post, PostKind, Question, Visibility
from kefu.contacts.models import Contact
from kefu.reports.community import community, percentile
from kefu.reports.filters import ReportFilter

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-03-01 15:59 UTC is 23:59 on March 1 in Shanghai; a minute later it is March 2.
BEFORE_MIDNIGHT = datetime(2026, 3, 1, 15, 59, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def member(contact_factory: Callable[..., Contact]) -> Member:
    contact = contact_factory(name="Alice")
    return Member.objects.create(contact=contact, display_name="Alice", name_key="alice")


@pytest.fixture
def staff(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory()


def ask(
    member: Member, at: datetime, visibility: str = Visibility.PUBLISHED, **fields: object
) -> Question:
    question = Question.objects.create(
        title="充值未到账", language="zh-Hans", visibility=visibility, last_activity_at=at, **fields
    )
    Post.objects.create(
        question=question, kind=PostKind.QUESTION, member=member, body="?", visibility=visibility
    )
    Question.objects.filter(pk=question.pk).update(created_at=at)
    question.refresh_from_db()
    return question


def answer(
    question: Question,
    at: datetime,
    member: Member | None = None,
    agent: Agent | None = None,
    visibility: str = Visibility.PUBLISHED,
) -> Post:
    post = Post.objects.create(
        question=question,
        kind=PostKind.ANSWER,
        member=member,
        agent=agent,
        official=agent is not None,
        body="!",
        visibility=visibility,
    )
    Post.objects.filter(pk=post.pk).update(created_at=at)
    if visibility == Visibility.PUBLISHED:
        Question.objects.filter(pk=question.pk).update(answer_count=question.answer_count + 1)
        question.answer_count += 1
    return post


def report(start: date, end: date, tz: ZoneInfo = SHANGHAI) -> ReportFilter:
    return ReportFilter(start=start, end=end, tz=tz)


def test_days_are_the_report_zones_days(member: Member) -> None:
    ask(member, BEFORE_MIDNIGHT)
    ask(member, AFTER_MIDNIGHT)
    shanghai = community(report(date(2026, 3, 1), date(2026, 3, 2)))
    assert [(d.day, d.questions) for d in shanghai.days] == [
        (date(2026, 3, 1), 1),
        (date(2026, 3, 2), 1),
    ]
    # The same two questions are both on March 1 in UTC.
    utc = community(report(date(2026, 3, 1), date(2026, 3, 2), ZoneInfo("UTC")))
    assert [d.questions for d in utc.days] == [2, 0]
    # Exact local midnights: a one-day Shanghai report holds only the later one.
    assert community(report(date(2026, 3, 2), date(2026, 3, 2))).questions == 1


def test_answers_official_answers_and_solved_share(member: Member, staff: Agent) -> None:
    day = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    solved = ask(member, day, solved=True, first_official_answer_at=day + timedelta(hours=1))
    answer(solved, day + timedelta(minutes=30), member=member)
    answer(solved, day + timedelta(hours=1), agent=staff)
    ask(member, day + timedelta(hours=2))
    ask(member, day, visibility=Visibility.HIDDEN)  # taken down: not counted
    answer(solved, day, member=member, visibility=Visibility.HIDDEN)
    figures = community(report(date(2026, 3, 2), date(2026, 3, 2)))
    (only,) = figures.days
    assert (only.questions, only.answers, only.official_answers, only.solved) == (2, 2, 1, 1)
    assert figures.solved_rate == 0.5


def test_time_to_first_official_answer_is_over_the_periods_questions(member: Member) -> None:
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    for minutes in (10, 20, 30, 40, 600):
        ask(member, start, first_official_answer_at=start + timedelta(minutes=minutes))
    ask(member, start)  # no official answer yet: not in the times
    # Asked the day before the period: not counted, however slow.
    early = start - timedelta(days=2)
    ask(member, early, first_official_answer_at=early + timedelta(days=3))
    figures = community(report(date(2026, 3, 2), date(2026, 3, 2)))
    assert figures.official_count == 5
    assert figures.official_median == 30 * 60
    assert figures.official_p90 == 600 * 60


def test_waiting_now_ignores_the_period(member: Member, staff: Agent) -> None:
    oldest = ask(member, datetime(2025, 12, 1, tzinfo=UTC))
    answered = ask(member, datetime(2026, 1, 5, tzinfo=UTC))
    answer(answered, datetime(2026, 1, 6, tzinfo=UTC), member=member)
    official = ask(member, datetime(2025, 11, 1, tzinfo=UTC), solved=True)
    Question.objects.filter(pk=official.pk).update(
        first_official_answer_at=datetime(2025, 11, 2, tzinfo=UTC)
    )
    answer(official, datetime(2025, 11, 2, tzinfo=UTC), agent=staff)
    merged = ask(member, datetime(2025, 10, 1, tzinfo=UTC))
    Question.objects.filter(pk=merged.pk).update(merged_into=oldest)
    held = ask(member, datetime(2025, 9, 1, tzinfo=UTC), visibility=Visibility.HELD)
    answer(answered, datetime(2026, 1, 7, tzinfo=UTC), member=member, visibility=Visibility.HELD)
    figures = community(report(date(2026, 3, 1), date(2026, 3, 1)))
    assert figures.unanswered.count == 1
    assert figures.unanswered.oldest == oldest.created_at
    assert figures.without_official.count == 2  # the unanswered one and the answered one
    assert figures.without_official.oldest == oldest.created_at
    assert figures.held_posts.count == 2  # the held question's opening post and the answer
    assert figures.held_posts.oldest is not None
    assert held.visibility == Visibility.HELD


def test_query_count_is_fixed(
    member: Member,
    django_assert_num_queries: Callable[..., AbstractContextManager[object]],
) -> None:
    f = report(date(2026, 3, 1), date(2026, 3, 31))
    with django_assert_num_queries(5):
        community(f)
    for day in range(20):
        at = datetime(2026, 3, 1 + day, 3, tzinfo=UTC)
        answer(ask(member, at, first_official_answer_at=at), at, member=member)
    with django_assert_num_queries(5):
        community(f)


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([1.0], 0.9) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
