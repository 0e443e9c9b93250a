"""The community report: questions, answers and how fast staff answer, read directly.

Community volume is small next to conversations (a question is a few rows, not a
stream of messages), so unlike the rest of the reports this reads the community tables
themselves rather than rollups: per-day counts are grouped by the database on the
created_at indexes (Question "community_q_created", Post "community_post_queue"), and
the figures that are "now" (unanswered questions, held posts) are one aggregate each.
The query count is fixed whatever the data size.

Days are the report's days in its own zone, exactly (local midnight to local midnight,
also for half-hour zones), unlike the rollups' whole UTC hours. Hidden posts and
questions (taken down by a moderator) are not counted; held ones are, since they were
asked or answered all the same. A question merged into another is counted on the day it
was asked, but is no longer "unanswered": its thread continues elsewhere.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from kefu.community.models import Post, PostKind, Question, Visibility
from kefu.reports.filters import ReportFilter

COUNTED = (Visibility.PUBLISHED, Visibility.HELD)


@dataclass(frozen=True)
class CommunityDay:
    day: date  # in the report's zone
    questions: int
    answers: int  # official ones included
    official_answers: int
    solved: int  # of that day's questions, how many are solved now

    @property
    def solved_rate(self) -> float | None:
        return self.solved / self.questions if self.questions else None


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime | None  # when the longest-waiting one was asked


@dataclass(frozen=True)
class Community:
    days: list[CommunityDay]  # every day of the period, also the empty ones
    questions: int
    answers: int
    official_answers: int
    solved: int
    unanswered: Waiting  # published, no published answer at all
    without_official: Waiting  # published, neither an official nor an accepted answer
    held_posts: Waiting  # posts waiting for a moderator
    # Time to the first official answer, seconds, over the period's questions that have one.
    official_count: int
    official_median: float | None
    official_p90: float | None

    @property
    def solved_rate(self) -> float | None:
        return self.solved / self.questions if self.questions else None


def local_range(f: ReportFilter) -> tuple[datetime, datetime]:
    """The period as [first, last) instants: local midnight of start to after end."""
    first = datetime.combine(f.start, time(0), tzinfo=f.tz).astimezone(UTC)
    last = datetime.combine(f.end + timedelta(days=1), time(0), tzinfo=f.tz).astimezone(UTC)
    return first, last


def _by_day(
    rows: "QuerySet[Question] | QuerySet[Post]", f: ReportFilter, **counts: Count
) -> dict[date, dict[str, Any]]:
    grouped = (
        rows.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=f.tz))
        .values("day")
        .annotate(**counts)
    )
    return {row["day"]: row for row in grouped}


def percentile(ordered: list[float], share: float) -> float | None:
    """The nearest-rank percentile of an ascending list (None for an empty one)."""
    if not ordered:
        return None
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without floats' surprises
    return ordered[int(rank) - 1]


def _waiting(rows: "QuerySet[Post]") -> Waiting:
    figures = rows.order_by().aggregate(count=Count("pk"), oldest=Min("created_at"))
    return Waiting(figures["count"], figures["oldest"])


def community(f: ReportFilter) -> Community:
    """The community section's figures for the period `f` (teams, channels ignored)."""
    first, last = local_range(f)
    questions = Question.objects.filter(
        visibility__in=COUNTED, created_at__gte=first, created_at__lt=last
    )
    answers = Post.objects.filter(
        visibility__in=COUNTED, kind=PostKind.ANSWER, created_at__gte=first, created_at__lt=last
    )
    asked = _by_day(questions, f, questions=Count("pk"), solved=Count("pk", filter=Q(solved=True)))
    answered = _by_day(
        answers, f, answers=Count("pk"), official=Count("pk", filter=Q(official=True))
    )
    days = []
    for offset in range(f.days):
        day = f.start + timedelta(days=offset)
        q, a = asked.get(day, {}), answered.get(day, {})
        days.append(
            CommunityDay(
                day,
                q.get("questions", 0),
                a.get("answers", 0),
                a.get("official", 0),
                q.get("solved", 0),
            )
        )
    # Calendar seconds; only the period's questions answered officially are read.
    answered_officially = (
        questions.filter(first_official_answer_at__isnull=False)
        .order_by()
        .values_list("created_at", "first_official_answer_at")
    )
    waits = sorted(
        (answered_at - asked_at).total_seconds()
        for asked_at, answered_at in answered_officially
        if answered_at is not None
    )
    # One aggregate for both "now" figures over the published questions (not merged).
    unanswered = Q(answer_count=0)
    unofficial = Q(first_official_answer_at__isnull=True, accepted_answer__isnull=True)
    now = (
        Question.objects.filter(visibility=Visibility.PUBLISHED, merged_into__isnull=True)
        .order_by()
        .aggregate(
            unanswered=Count("pk", filter=unanswered),
            unanswered_oldest=Min("created_at", filter=unanswered),
            unofficial=Count("pk", filter=unofficial),
            unofficial_oldest=Min("created_at", filter=unofficial),
        )
    )
    return Community(
        days=days,
        questions=sum(d.questions for d in days),
        answers=sum(d.answers for d in days),
        official_answers=sum(d.official_answers for d in days),
        solved=sum(d.solved for d in days),
        unanswered=Waiting(now["unanswered"], now["unanswered_oldest"]),
        without_official=Waiting(now["unofficial"], now["unofficial_oldest"]),
        held_posts=_waiting(Post.objects.filter(visibility=Visibility.HELD)),
        official_count=len(waits),
        official_median=percentile(waits, 0.5),
        official_p90=percentile(waits, 0.9),
    )
