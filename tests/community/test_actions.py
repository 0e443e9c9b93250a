"""The community's writes: posting, counters, votes, accepting, reports and moderation."""

from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.community import actions, errors
from kefu.community.models import HoldReason, Member, Post, Question, Visibility

pytestmark = pytest.mark.django_db


def test_a_trusted_member_asks_and_it_is_published(member: Member) -> None:
    question = actions.ask(author=member, title="How do I withdraw?", body="Where?", language="en")
    assert question.visibility == Visibility.PUBLISHED
    post = Post.objects.get(question=question)
    assert post.kind == "question"
    assert post.hold_reasons == []


def test_a_new_member_is_held_for_first_posts(member_factory: Callable[..., Member]) -> None:
    newcomer = member_factory("Bob", trusted=False)
    question = actions.ask(author=newcomer, title="Hi", body="First post", language="en")
    assert question.visibility == Visibility.HELD
    assert Post.objects.get(question=question).hold_reasons == [HoldReason.FIRST_POSTS]


def test_an_official_answer_solves(member: Member, agent: Agent) -> None:
    question = actions.ask(author=member, title="Deposit missing", body="help", language="en")
    answer = actions.answer(author=agent, question=question, body="It is credited now.")
    assert answer.official
    question = Question.objects.get(pk=question.pk)
    assert question.solved
    assert question.answer_count == 1
    assert question.first_official_answer_at is not None


def test_banned_member_refused(member: Member, moderator: Agent) -> None:
    from datetime import timedelta

    from django.utils import timezone

    actions.ban(
        actor=moderator, member=member, until=timezone.now() + timedelta(days=1), reason="x"
    )
    with pytest.raises(errors.Banned):
        actions.ask(author=member, title="t", body="b", language="en")
