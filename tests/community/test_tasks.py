"""Answer and accepted-answer notices: who is mailed, in which language, and what the mail
holds (anti-phishing code, a redacted excerpt, the question and unsubscribe links)."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from mnemonic import Mnemonic

from kefu.agents.models import Agent
from kefu.community import actions, notices
from kefu.community.models import Member, Post, Question, Subscription, Visibility
from kefu.community.tasks import send_accepted_notice, send_answer_notices
from kefu.contacts.models import IdentityKind

pytestmark = pytest.mark.django_db

PHRASE = Mnemonic("english").to_mnemonic(bytes(range(16)))
Capture = Callable[..., Any]


@pytest.fixture
def asker(member_factory: Callable[..., Member]) -> Member:
    asker = member_factory("Alice")
    asker.contact.language = "en"
    asker.contact.anti_phishing_code = "BLUE-HERON"
    asker.contact.save()
    return asker


def email_of(member: Member) -> str:
    identity = member.contact.identities.get(kind=IdentityKind.EMAIL)
    return identity.value


def ask(asker: Member, title: str = "Deposit not credited") -> Question:
    return actions.ask(author=asker, title=title, body="My USDT deposit is missing.", language="en")


def posted(capture: Capture, run_tasks: Callable[[], None], write: Callable[[], Any]) -> Any:
    """Run `write` as a request would: its on-commit jobs queued, then the worker run."""
    with capture(execute=True):
        result = write()
    run_tasks()
    return result


def test_a_members_answer_is_mailed_to_the_subscribers_but_not_its_author(
    asker: Member,
    member_factory: Callable[..., Member],
    django_capture_on_commit_callbacks: Capture,
    run_tasks: Callable[[], None],
    settings: Any,
) -> None:
    settings.SITE_URL = "https://help.example.com"
    question = ask(asker)
    bob = member_factory("Bob")
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.answer(author=bob, question=question, body="Check the memo tag."),
    )
    (message,) = mail.outbox
    assert message.to == [email_of(asker)]
    assert message.subject == "Bob answered “Deposit not credited”"
    body = str(message.body)
    assert body.startswith("Your anti-phishing code: BLUE-HERON")
    assert "Check the memo tag." in body
    assert f"https://help.example.com/community/q/{question.pk}/" in body
    link = re.search(r"^https://help\.example\.com/community/unsubscribe/(\S+)/$", body, re.M)
    assert link is not None
    assert notices.read_unsubscribe_token(link.group(1)) == notices.Unsubscribe(
        asker.pk, question.pk
    )
    html, kind = message.alternatives[0]  # type: ignore[attr-defined]
    assert kind == "text/html"
    assert "BLUE-HERON" in html
    assert "Check the memo tag." in html
    # The answerer follows the question from now on, and hears of the next answer.
    assert Subscription.objects.filter(question=question, member=bob).exists()


def test_an_official_answer_says_so_in_the_members_language(
    asker: Member,
    agent: Agent,
    django_capture_on_commit_callbacks: Capture,
    run_tasks: Callable[[], None],
) -> None:
    asker.contact.language = "zh-Hant"
    asker.contact.save()
    question = ask(asker, "充值未到賬")
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.answer(author=agent, question=question, body="已為您補發到賬。"),
    )
    (message,) = mail.outbox
    assert message.subject == "「充值未到賬」的官方回答"
    body = str(message.body)
    assert "您的防釣魚碼：BLUE-HERON" in body
    assert agent.display_name in body
    assert "助記詞" in body


def test_a_held_answer_notifies_only_once_approved_and_then_redacted(
    asker: Member,
    member_factory: Callable[..., Member],
    moderator: Agent,
    django_capture_on_commit_callbacks: Capture,
    run_tasks: Callable[[], None],
) -> None:
    question = ask(asker)
    bob = member_factory("Bob")
    held = posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.answer(
            author=bob, question=question, body=f"Restore it with {PHRASE} then wait."
        ),
    )
    assert held.visibility == Visibility.HELD
    assert mail.outbox == []
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.approve(actor=moderator, post=held),
    )
    (message,) = mail.outbox
    body = str(message.body)
    assert "then wait." in body
    assert PHRASE not in body
    assert PHRASE.split()[3] not in body


def test_a_post_hidden_before_the_job_runs_tells_nobody(
    asker: Member, member_factory: Callable[..., Member], moderator: Agent
) -> None:
    question = ask(asker)
    post = actions.answer(author=member_factory("Bob"), question=question, body="Try again.")
    actions.hide(actor=moderator, post=post, reason="spam")
    assert send_answer_notices.call(post.pk) == 0
    assert mail.outbox == []


def test_accepting_tells_the_answers_author_and_the_other_subscribers(
    asker: Member,
    member_factory: Callable[..., Member],
    django_capture_on_commit_callbacks: Capture,
    run_tasks: Callable[[], None],
) -> None:
    question = ask(asker)
    bob, carol = member_factory("Bob"), member_factory("Carol")
    bob.contact.language = "zh-Hans"
    bob.contact.save()
    actions.subscribe(member=carol, question=question, on=True)
    answer = actions.answer(author=bob, question=question, body="Add the memo.")
    mail.outbox.clear()
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.accept(member=asker, answer=answer),
    )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {email_of(bob), email_of(carol)}
    assert by_address[email_of(bob)].subject == "您对“Deposit not credited”的回答已被采纳"
    assert by_address[email_of(carol)].subject == "“Deposit not credited”有回答已被采纳"
    # Accepting the same answer again mails nobody.
    mail.outbox.clear()
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.accept(member=asker, answer=Post.objects.get(pk=answer.pk)),
    )
    assert mail.outbox == []


def test_accepted_notice_after_the_answer_was_hidden_tells_nobody(
    asker: Member, member_factory: Callable[..., Member], moderator: Agent
) -> None:
    question = ask(asker)
    answer = actions.answer(author=member_factory("Bob"), question=question, body="Add the memo.")
    actions.accept(member=asker, answer=answer)
    actions.hide(actor=moderator, post=answer, reason="wrong")
    assert send_accepted_notice.call(question.pk) == 0


def test_markup_in_an_answer_is_text_in_the_html_mail(
    asker: Member,
    member_factory: Callable[..., Member],
    django_capture_on_commit_callbacks: Capture,
    run_tasks: Callable[[], None],
) -> None:
    question = ask(asker)
    posted(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: actions.answer(
            author=member_factory("Bob"),
            question=question,
            body='Try <script>alert(1)</script> and <a href="https://x.test">this</a>.',
        ),
    )
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "<script>" not in html
    assert '<a href="https://x.test"' not in html
