"""The unsubscribe link of community notices: a GET only asks, a POST unsubscribes, and a
link we did not sign opens nothing."""

from collections.abc import Callable

import pytest
from django.core import signing
from django.test import Client

from kefu.community import actions, notices
from kefu.community.models import Member, Question, Subscription
from kefu.contacts.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(contact_factory: Callable[..., Contact]) -> Member:
    member = actions.join(contact=contact_factory(), display_name="Alice")
    member.approved_posts = 10
    member.save()
    return member


@pytest.fixture
def question(member: Member) -> Question:
    return actions.ask(author=member, title="提现一直在审核中", body="怎么办？", language="zh-Hans")


def path(member: Member, question: Question) -> str:
    return f"/community/unsubscribe/{notices.unsubscribe_token(member.pk, question.pk)}/"


def subscribed(member: Member, question: Question) -> bool:
    return Subscription.objects.filter(member=member, question=question).exists()


def test_a_get_asks_to_confirm_and_changes_nothing(member: Member, question: Question) -> None:
    response = Client().get(path(member, question), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200
    page = response.content.decode()
    assert "不再接收此問題的郵件？" in page
    assert "提现一直在审核中" in page
    assert 'method="post"' in page
    assert subscribed(member, question)


def test_a_post_unsubscribes_without_signing_in(member: Member, question: Question) -> None:
    client = Client(enforce_csrf_checks=False)
    response = client.post(path(member, question), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You will get no more emails about this question" in response.content.decode()
    assert not subscribed(member, question)
    # A second click says the same, and nothing breaks.
    assert client.post(path(member, question)).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        # Signed by this site for another purpose: the salt tells them apart.
        signing.dumps([1, 1], compress=True),
    ],
)
def test_a_link_we_did_not_sign_for_this_opens_nothing(
    member: Member, question: Question, token: str
) -> None:
    response = Client().post(f"/community/unsubscribe/{token}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "此链接无法使用" in response.content.decode()
    assert subscribed(member, question)


def test_a_token_for_a_question_that_is_gone_opens_nothing(
    member: Member, question: Question
) -> None:
    link = path(member, question)
    question.delete()
    assert Client().get(link).status_code == 404
