"""What the community pages read: lists and threads, in a fixed number of queries."""

from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.community import selectors
from kefu.community.models import HoldReason, Member, PostKind, Question, Visibility
from kefu.contacts.models import Contact
from kefu.core.errors import NotFound
from tests.community import page_threads as threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(contact_factory: Callable[..., Contact]) -> Member:
    return threads.member(contact_factory(), "alice")


@pytest.fixture
def bob(contact_factory: Callable[..., Contact]) -> Member:
    return threads.member(contact_factory(), "bob")


def test_member_for_finds_the_contacts_member_or_none(
    alice: Member, contact_factory: Callable[..., Contact]
) -> None:
    assert selectors.member_for(alice.contact) == alice
    assert selectors.member_for(contact_factory()) is None


def test_categories_count_listed_questions_only(
    alice: Member, django_assert_max_num_queries
) -> None:
    deposits = threads.category()
    threads.category("trading", "Trading")
    threads.question(alice, in_category=deposits)
    threads.question(alice, in_category=deposits, visibility=Visibility.HELD)
    merged_into = threads.question(alice, in_category=deposits)
    threads.question(alice, in_category=deposits, merged_into=merged_into)
    with django_assert_max_num_queries(1):
        summaries = selectors.categories("en")
    assert [(row.slug, row.question_count) for row in summaries] == [
        ("deposits", 2),
        ("trading", 0),
    ]


def test_question_list_is_newest_activity_first_and_pages_by_keyset(
    alice: Member, django_assert_max_num_queries
) -> None:
    asked = [threads.question(alice, title=f"Q{n}") for n in range(5)]
    with django_assert_max_num_queries(1):
        first = selectors.question_list(limit=2)
    assert [row.title for row in first.rows] == ["Q4", "Q3"]
    cursor = selectors.Cursor.decode(first.next_cursor)
    assert cursor is not None
    second = selectors.question_list(limit=2, after=cursor)
    assert [row.title for row in second.rows] == ["Q2", "Q1"]
    last = selectors.question_list(limit=2, after=selectors.Cursor.decode(second.next_cursor))
    assert [row.title for row in last.rows] == ["Q0"]
    assert last.next_cursor == ""
    assert len(asked) == 5


def test_question_list_filters_unanswered_and_solved(alice: Member) -> None:
    open_one = threads.question(alice, title="open")
    answered = threads.question(alice, title="answered")
    threads.post(answered, "try this", by=alice)
    threads.question(alice, title="solved", solved=True, answer_count=1)
    assert [r.title for r in selectors.question_list(show=selectors.Show.UNANSWERED).rows] == [
        open_one.title
    ]
    assert [r.title for r in selectors.question_list(show=selectors.Show.SOLVED).rows] == ["solved"]


def test_a_malformed_cursor_means_the_first_page() -> None:
    assert selectors.Cursor.decode("") is None
    assert selectors.Cursor.decode("abc_1") is None
    assert selectors.Cursor.decode("99999999999999999999999_1") is None


def test_thread_orders_answers_official_then_accepted_then_score(
    alice: Member, bob: Member, agent: Agent
) -> None:
    asked = threads.question(alice)
    low = threads.post(asked, "low", by=bob, score=-1)
    high = threads.post(asked, "high", by=bob, score=5)
    accepted = threads.post(asked, "accepted", by=bob, score=0)
    official = threads.post(asked, "official", by=agent)
    Question.objects.filter(pk=asked.pk).update(accepted_answer=accepted)
    thread = selectors.question_thread(asked.pk, viewer=None, language="en")
    assert [item.post for item in thread.answers] == [official, accepted, high, low]
    assert thread.answers[0].official
    assert thread.answers[0].author.staff
    assert thread.answers[0].author.agent_public_id == agent.public_id
    assert thread.answers[1].accepted
    assert not any(item.official for item in thread.answers[1:])


def test_a_members_name_never_makes_a_post_official(
    contact_factory: Callable[..., Contact],
) -> None:
    impostor = threads.member(contact_factory(), "Official Support")
    asked = threads.question(impostor)
    threads.post(asked, "DM me", by=impostor)
    thread = selectors.question_thread(asked.pk, viewer=None, language="en")
    assert not thread.answers[0].official
    assert not thread.answers[0].author.staff
    assert thread.answers[0].author.agent_public_id == ""


def test_held_posts_are_shown_to_their_author_only(alice: Member, bob: Member) -> None:
    asked = threads.question(alice)
    held = threads.post(
        asked,
        "[redacted]",
        by=bob,
        visibility=Visibility.HELD,
        hold_reasons=(HoldReason.SECRET,),
    )
    threads.post(asked, "gone", by=bob, visibility=Visibility.HIDDEN)
    assert selectors.question_thread(asked.pk, viewer=None, language="en").answers == []
    assert selectors.question_thread(asked.pk, viewer=alice, language="en").answers == []
    mine = selectors.question_thread(asked.pk, viewer=bob, language="en").answers
    assert [item.post for item in mine] == [held]
    assert mine[0].held
    assert mine[0].mine
    assert mine[0].secret_removed


def test_a_held_question_exists_for_its_author_only(alice: Member, bob: Member) -> None:
    asked = threads.question(alice, visibility=Visibility.HELD)
    assert selectors.question_thread(asked.pk, viewer=alice, language="en").opening.held
    for viewer in (None, bob):
        with pytest.raises(NotFound):
            selectors.question_thread(asked.pk, viewer=viewer, language="en")


def test_comments_sit_under_their_post(alice: Member, bob: Member) -> None:
    asked = threads.question(alice)
    reply = threads.post(asked, "answer", by=bob)
    opening = asked.posts.get(kind=PostKind.QUESTION)
    on_question = threads.post(asked, "which coin?", by=bob, kind=PostKind.COMMENT, parent=opening)
    on_answer = threads.post(asked, "thanks", by=alice, kind=PostKind.COMMENT, parent=reply)
    thread = selectors.question_thread(asked.pk, viewer=None, language="en")
    assert [c.post for c in thread.opening.comments] == [on_question]
    assert [c.post for c in thread.answers[0].comments] == [on_answer]


def _grow(asked: Question, alice: Member, bob: Member, agent: Agent) -> None:
    answer = threads.post(asked, "answer", by=bob)
    threads.post(asked, "official", by=agent)
    threads.post(asked, "comment", by=alice, kind=PostKind.COMMENT, parent=answer)
    threads.post(asked, "mine", by=alice, visibility=Visibility.HELD)


def test_thread_query_count_does_not_grow_with_posts(
    alice: Member, bob: Member, agent: Agent, django_assert_max_num_queries
) -> None:
    asked = threads.question(alice, in_category=threads.category())
    _grow(asked, alice, bob, agent)
    with django_assert_max_num_queries(5):
        selectors.question_thread(asked.pk, viewer=alice, language="en")
    for _round in range(5):
        _grow(asked, alice, bob, agent)
    with django_assert_max_num_queries(5):
        thread = selectors.question_thread(asked.pk, viewer=alice, language="en")
    assert len(thread.answers) == 18
