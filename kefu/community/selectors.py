"""Reads for the community pages, each in a fixed number of queries however many rows.

Lists read `Question` alone (its counters and `solved` are kept on it so no join is
needed); a question page reads the question, its posts with their authors, their files,
and the viewer's votes and subscription, and arranges the thread in Python.

What a viewer may see: published posts, plus their own posts held for review (marked as
such, so the author knows why nobody else sees them). Hidden posts are never shown here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kefu.community.models import (
    Member,
    Post,
    PostFile,
    PostKind,
    Question,
    Subscription,
    Visibility,
    Vote,
)
from kefu.contacts.models import Contact
from kefu.core.errors import NotFound
from kefu.helpcenter.models import Category

QUESTIONS_PER_PAGE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def member_for(contact: Contact) -> Member | None:
    """The contact's community identity, or None before they picked a display name."""
    return Member.objects.filter(contact=contact).first()


@dataclass(frozen=True)
class CategorySummary:
    slug: str
    name: str
    question_count: int


def _listed() -> Q:
    """Questions a list shows: published, and not merged into another."""
    return Q(visibility=Visibility.PUBLISHED, merged_into__isnull=True)


def categories(language: str) -> list[CategorySummary]:
    """Every help-center category with its number of listed questions (one query)."""
    rows = Category.objects.annotate(
        question_count=Count(
            "community_questions",
            filter=Q(
                community_questions__visibility=Visibility.PUBLISHED,
                community_questions__merged_into__isnull=True,
            ),
        )
    )
    return [CategorySummary(row.slug, row.name(language), row.question_count) for row in rows]


def category(slug: str, language: str) -> tuple[Category, str]:
    """The category and its name in the reader's language."""
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound(_("There is no such community category."))
    return found, found.name(language)


class Show(StrEnum):
    """A list's filter, as it appears in the address (`?show=`)."""

    ALL = "all"
    UNANSWERED = "unanswered"
    SOLVED = "solved"


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after this question in newest-activity order."""

    last_activity_at: datetime
    question_id: int

    def encode(self) -> str:
        # Whole microseconds since the epoch: exact, unlike a float's timestamp.
        micros = (self.last_activity_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}_{self.question_id}"

    @classmethod
    def decode(cls, value: str) -> "Cursor | None":
        """A cursor from the address, or None (the first page) for anything malformed."""
        micros, _sep, question_id = value.partition("_")
        try:
            return cls(EPOCH + timedelta(microseconds=int(micros)), int(question_id))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass(frozen=True)
class QuestionRow:
    id: int
    title: str
    solved: bool
    locked: bool
    answer_count: int
    score: int
    last_activity_at: datetime
    # Support took it over privately (no details here: the ticket is the asker's).
    with_support: bool


@dataclass(frozen=True)
class QuestionList:
    rows: list[QuestionRow]
    next_cursor: str = ""


def question_list(
    *,
    category: Category | None = None,
    show: Show = Show.ALL,
    after: Cursor | None = None,
    limit: int = QUESTIONS_PER_PAGE,
) -> QuestionList:
    """Listed questions, newest activity first, one page (keyset: one query per page)."""
    rows = Question.objects.filter(_listed())
    if category is not None:
        rows = rows.filter(category=category)
    if show == Show.UNANSWERED:
        rows = rows.filter(answer_count=0, solved=False)
    elif show == Show.SOLVED:
        rows = rows.filter(solved=True)
    if after is not None:
        rows = rows.filter(
            Q(last_activity_at__lt=after.last_activity_at)
            | Q(last_activity_at=after.last_activity_at, pk__lt=after.question_id)
        )
    page = list(
        rows.order_by("-last_activity_at", "-pk").values_list(
            "pk",
            "title",
            "solved",
            "locked",
            "answer_count",
            "score",
            "last_activity_at",
            "conversation_id",
        )[: limit + 1]
    )
    listed = [
        QuestionRow(pk, title, solved, locked, answers, score, active, conversation is not None)
        for pk, title, solved, locked, answers, score, active, conversation in page[:limit]
    ]
    more = len(page) > limit
    next_cursor = Cursor(listed[-1].last_activity_at, listed[-1].id).encode() if more else ""
    return QuestionList(listed, next_cursor)


@dataclass(frozen=True)
class Author:
    """Who wrote a post, as the public sees it.

    `staff` comes only from the post's agent column: a member's display name, whatever
    it says, can never make a post look official.
    """

    name: str
    staff: bool
    agent_public_id: str = ""


def _author(post: Post) -> Author:
    if post.agent is not None:
        return Author(post.agent.display_name or post.agent.username, True, post.agent.public_id)
    assert post.member is not None  # one author: the database checks it
    return Author(post.member.display_name, False)


@dataclass
class ThreadPost:
    post: Post
    author: Author
    held: bool  # waiting for review: only its author sees it
    mine: bool
    accepted: bool
    my_vote: int
    files: list[PostFile] = field(default_factory=list)
    comments: list["ThreadPost"] = field(default_factory=list)

    @property
    def official(self) -> bool:
        """An answer written by staff: what the badge shows (never from a name)."""
        return self.author.staff and self.post.kind == PostKind.ANSWER

    @property
    def secret_removed(self) -> bool:
        return self.held and "secret" in self.post.hold_reasons


@dataclass(frozen=True)
class Thread:
    question: Question
    category_name: str
    opening: ThreadPost
    answers: list[ThreadPost]
    subscribed: bool
    # The viewer wrote the question (they may accept an answer).
    asked_by_viewer: bool


def _visible_to(member: Member | None) -> Q:
    published = Q(visibility=Visibility.PUBLISHED)
    if member is None:
        return published
    return published | Q(visibility=Visibility.HELD, member=member)


def _answer_order(item: ThreadPost) -> tuple[int, int, int, datetime]:
    """Official answers first, then the accepted one, then by score, then oldest first."""
    return (
        0 if item.official else 1,
        0 if item.accepted else 1,
        -item.post.score,
        item.post.created_at,
    )


def _votes(member: Member | None, post_ids: Iterable[int]) -> dict[int, int]:
    if member is None:
        return {}
    return dict(
        Vote.objects.filter(member=member, post_id__in=list(post_ids)).values_list(
            "post_id", "value"
        )
    )


def question_thread(question_id: int, *, viewer: Member | None, language: str) -> Thread:
    """A question page: at most five queries, whatever the number of answers and comments.

    A question still held (or hidden) is found only by its own author while held; for
    anyone else it does not exist. A merged question is returned as is: the page sends
    the reader on to `merged_into`.
    """
    question = Question.objects.select_related("category").filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("There is no such question."))
    posts = list(
        Post.objects.filter(_visible_to(viewer), question=question)
        .select_related("member", "agent")
        .order_by("created_at", "pk")
    )
    opening_post = next((post for post in posts if post.kind == PostKind.QUESTION), None)
    if opening_post is None:
        raise NotFound(_("There is no such question."))
    ids = [post.pk for post in posts]
    files: dict[int, list[PostFile]] = {}
    for attached in PostFile.objects.filter(post_id__in=ids).order_by("pk"):
        files.setdefault(attached.post_id, []).append(attached)
    votes = _votes(viewer, ids)
    items = {
        post.pk: ThreadPost(
            post=post,
            author=_author(post),
            held=post.visibility == Visibility.HELD,
            mine=viewer is not None and post.member_id == viewer.pk,
            accepted=post.pk == question.accepted_answer_id,
            my_vote=votes.get(post.pk, 0),
            files=files.get(post.pk, []),
        )
        for post in posts
    }
    answers: list[ThreadPost] = []
    for post in posts:
        item = items[post.pk]
        if post.kind == PostKind.ANSWER:
            answers.append(item)
        elif post.kind == PostKind.COMMENT and post.parent_id in items:
            items[post.parent_id].comments.append(item)
    answers.sort(key=_answer_order)
    subscribed = (
        viewer is not None
        and Subscription.objects.filter(question=question, member=viewer).exists()
    )
    return Thread(
        question=question,
        category_name=question.category.name(language) if question.category else "",
        opening=items[opening_post.pk],
        answers=answers,
        subscribed=subscribed,
        asked_by_viewer=viewer is not None and opening_post.member_id == viewer.pk,
    )


def post_in_thread(post_id: int, *, viewer: Member | None) -> Post:
    """A post the viewer can see (to vote on, answer under, report or edit), or NotFound."""
    post = Post.objects.filter(_visible_to(viewer), pk=post_id).select_related("question").first()
    if post is None:
        raise NotFound(_("There is no such post."))
    return post


def listed_question(question_id: int) -> Question:
    """A published question (to answer or subscribe to), or NotFound."""
    question = Question.objects.filter(pk=question_id, visibility=Visibility.PUBLISHED).first()
    if question is None:
        raise NotFound(_("There is no such question."))
    return question
