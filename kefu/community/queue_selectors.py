"""What moderators and agents read in the console: the community queue and a whole thread.

The public reads (published posts only, the viewer's own held ones) are in selectors.py;
these show everything, held and hidden posts included, to staff only. Each read is a
fixed number of queries however many rows there are.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kefu.community.models import Post, PostKind, PostReport, Question, Visibility
from kefu.core.errors import NotFound
from kefu.helpcenter.models import Category

# Rows per list: a queue longer than this is worked from its oldest end anyway.
QUEUE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters; blank means any."""

    language: str = ""
    category_id: int | None = None


@dataclass
class ReportedPost:
    """A post with the reports nobody has resolved yet, oldest first."""

    post: Post
    reports: list[PostReport] = field(default_factory=list)


def _filtered_questions(filters: QueueFilter, prefix: str = "") -> Q:
    condition = Q()
    if filters.language:
        condition &= Q(**{f"{prefix}language": filters.language})
    if filters.category_id is not None:
        condition &= Q(**{f"{prefix}category_id": filters.category_id})
    return condition


def unanswered(filters: QueueFilter) -> list[Question]:
    """Published questions with neither an official nor an accepted answer, oldest first:
    the longest wait is answered first."""
    return list(
        Question.objects.filter(
            _filtered_questions(filters),
            visibility=Visibility.PUBLISHED,
            merged_into__isnull=True,
            first_official_answer_at__isnull=True,
            accepted_answer__isnull=True,
        )
        .select_related("category")
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )


def held_posts(filters: QueueFilter) -> list[Post]:
    """Posts waiting for a moderator, oldest first, with their (redacted) text."""
    return list(
        Post.objects.filter(_filtered_questions(filters, "question__"), visibility=Visibility.HELD)
        .select_related("question", "member", "agent")
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )


def open_reports(filters: QueueFilter) -> list[ReportedPost]:
    """Reported posts with their open reports, the post first reported first."""
    reports = (
        PostReport.objects.filter(
            _filtered_questions(filters, "post__question__"), resolved_at__isnull=True
        )
        .select_related("post__question", "post__member", "post__agent", "member")
        .order_by("created_at", "pk")
    )
    grouped: dict[int, ReportedPost] = {}
    for report in reports:
        if report.post_id not in grouped:
            if len(grouped) == QUEUE_SIZE:
                continue
            grouped[report.post_id] = ReportedPost(post=report.post)
        grouped[report.post_id].reports.append(report)
    return list(grouped.values())


def categories() -> list[Category]:
    return list(Category.objects.order_by("position", "slug"))


@dataclass
class StaffThread:
    """A question as staff see it: every post whatever its visibility, comments grouped
    under the post they comment on, and each post's count of open reports."""

    question: Question
    opening: Post | None
    answers: list[Post]
    comments: dict[int, list[Post]]


def thread_for_staff(question_id: int) -> StaffThread:
    question = (
        Question.objects.select_related("category", "conversation", "merged_into")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound(_question_not_found())
    posts: list[Post] = list(
        Post.objects.filter(question=question)
        .select_related("member", "agent")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .order_by("created_at", "pk")
    )
    opening = next((post for post in posts if post.kind == PostKind.QUESTION), None)
    comments: dict[int, list[Post]] = {}
    for post in posts:
        if post.kind == PostKind.COMMENT and post.parent_id is not None:
            comments.setdefault(post.parent_id, []).append(post)
    # Official answers first, as on the public page, then the accepted one, then by time.
    answers = sorted(
        (post for post in posts if post.kind == PostKind.ANSWER),
        key=lambda post: (not post.official, post.pk != question.accepted_answer_id),
    )
    return StaffThread(question=question, opening=opening, answers=answers, comments=comments)


def question_of_post(post_id: int) -> int:
    """The question a post belongs to (the console's post links land on its thread)."""
    question_id = Post.objects.filter(pk=post_id).values_list("question_id", flat=True).first()
    if question_id is None:
        raise NotFound(_post_not_found())
    return question_id


def post_for_staff(post_id: int) -> Post:
    post = Post.objects.select_related("question", "member").filter(pk=post_id).first()
    if post is None:
        raise NotFound(_post_not_found())
    return post


def question_for_staff(question_id: int) -> Question:
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        raise NotFound(_question_not_found())
    return question


def questions_of_conversation(conversation_id: int) -> list[Question]:
    """The community questions a support conversation came from (usually one)."""
    return list(Question.objects.filter(conversation_id=conversation_id).order_by("pk"))


def _question_not_found() -> str:
    return _("There is no community question with this number.")


def _post_not_found() -> str:
    return _("There is no community post with this number.")
