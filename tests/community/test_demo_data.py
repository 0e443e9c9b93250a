"""The community in `kefu demo`: questions in three languages, official and accepted answers,
the impostor held for review, and a question support took over."""

import pytest

from kefu.community.demo_data import IMPOSTOR, QUESTIONS
from kefu.community.models import HoldReason, Post, PostKind, Question, Visibility
from kefu.demo import loader

pytestmark = pytest.mark.django_db


def test_the_demo_community_is_loaded_through_the_actions() -> None:
    loader.load()
    questions = Question.objects.all()
    assert questions.count() == len(QUESTIONS)
    assert set(questions.values_list("language", flat=True)) == {"zh-Hans", "zh-Hant", "en"}
    assert questions.filter(category__isnull=True).count() == 0
    assert questions.filter(accepted_answer__isnull=False).count() == 1
    assert Post.objects.filter(official=True, visibility=Visibility.PUBLISHED).count() >= 5
    assert questions.filter(conversation__isnull=False).count() == 1
    # Some wait for an official answer, and two for any answer at all.
    assert questions.filter(answer_count=0).count() == 2
    (held,) = Post.objects.filter(visibility=Visibility.HELD)
    assert held.kind == PostKind.ANSWER
    assert held.member is not None
    assert held.member.display_name == IMPOSTOR
    assert HoldReason.OFF_PLATFORM in held.hold_reasons
