"""The community in the console: the queue, a thread with the moderator tools, the post
link safety alerts use, and publishing a ticket's answer back to its question."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.agents.models import Agent, Role
from kefu.community import actions
from kefu.community.links import console_post_path
from kefu.community.models import (
    HoldReason,
    Member,
    Post,
    PostKind,
    PostReport,
    Question,
    Visibility,
)
from kefu.contacts.models import Contact
from kefu.core.models import AuditEntry
from kefu.helpcenter.models import ArticleTranslation
from tests.community.threads import answer_by, member_of, question_by
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR, language="en")


@pytest.fixture
def moderator_client(moderator: Agent) -> Client:
    return verified_client(moderator)


@pytest.fixture
def author(contact_factory: Callable[..., Contact]) -> Member:
    return member_of(contact_factory(), "asker")


@pytest.fixture
def question(author: Member) -> Question:
    return question_by(
        author, title="Withdrawal not arrived", body="Sent USDT yesterday.", language="en"
    )


def _opening(question: Question) -> Post:
    return question.posts.get(kind=PostKind.QUESTION)


def _held(question: Question, member: Member, body: str = "DM me on Telegram") -> Post:
    return answer_by(question, member=member, body=body, visibility=Visibility.HELD)


def _post_for_hold(post: Post, *reasons: str) -> Post:
    Post.objects.filter(pk=post.pk).update(hold_reasons=list(reasons))
    post.refresh_from_db()
    return post


def test_the_queue_lists_unanswered_questions_held_posts_and_reports(
    agent_client, question, contact_factory
):
    other = member_of(contact_factory(), "helper")
    held = _post_for_hold(_held(question, other), HoldReason.OFF_PLATFORM)
    reported = answer_by(question, member=other, body="Try again later")
    PostReport.objects.create(post=reported, member=member_of(contact_factory()), reason="spam")

    page = agent_client.get("/console/community/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Withdrawal not arrived" in text
    assert "DM me on Telegram" in text
    assert "Invites people to talk outside the community" in text
    assert "Try again later" in text
    assert f"/console/community/posts/{held.pk}/" in text


def test_the_queue_filters_by_what_to_show_and_language(agent_client, author, question):
    question_by(author, title="提币问题", language="zh-Hans")

    only_english = agent_client.get("/console/community/?language=en&show=unanswered")

    text = only_english.content.decode()
    assert "Withdrawal not arrived" in text
    assert "提币问题" not in text
    assert "Nothing is held for review." not in text


def test_an_answered_question_leaves_the_unanswered_list(agent_client, agent, question):
    answer_by(question, agent=agent, body="Official help")
    Question.objects.filter(pk=question.pk).update(first_official_answer_at=question.created_at)
    assert "Withdrawal not arrived" not in agent_client.get("/console/community/").content.decode()


def test_queue_query_count_does_not_grow_with_rows(
    agent_client, author, contact_factory, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for n in range(count):
            asked = question_by(author, title=f"question {n}", language="en")
            held = _held(asked, member_of(contact_factory()))
            PostReport.objects.create(post=held, member=member_of(contact_factory()), reason="scam")

    add(2)
    with CaptureQueriesContext(connection) as few:
        agent_client.get("/console/community/")
    add(20)
    with django_assert_max_num_queries(len(few)):
        agent_client.get("/console/community/")


def test_thread_query_count_does_not_grow_with_posts(
    agent_client, agent, question, contact_factory, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for n in range(count):
            answer = answer_by(question, member=member_of(contact_factory()), body=f"answer {n}")
            Post.objects.create(
                question=question, kind=PostKind.COMMENT, parent=answer, agent=agent, body="ok"
            )

    url = f"/console/community/q/{question.pk}/"
    add(2)
    with CaptureQueriesContext(connection) as few:
        agent_client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few)):
        page = agent_client.get(url)
    assert "answer 19" in page.content.decode()


def test_a_post_link_lands_on_its_thread_at_the_post(agent_client, question):
    post = _opening(question)
    response = agent_client.get(f"/console/community/posts/{post.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/console/community/q/{question.pk}/#post-{post.pk}"
    assert agent_client.get("/console/community/posts/999999/").status_code == 404


def test_any_agent_posts_an_official_answer(agent_client, agent, question):
    response = agent_client.post(
        f"/console/community/q/{question.pk}/answer/", {"body": "Please check the TXID."}
    )
    assert response.status_code == 302
    answer = Post.objects.get(question=question, kind=PostKind.ANSWER)
    assert answer.agent_id == agent.pk
    assert answer.official


def test_an_empty_answer_is_refused_and_nothing_is_stored(agent_client, question):
    response = agent_client.post(f"/console/community/q/{question.pk}/answer/", {"body": ""})
    assert response.status_code == 400
    assert "Write the answer first." in response.content.decode()
    assert not Post.objects.filter(kind=PostKind.ANSWER).exists()


def test_a_blocked_official_answer_keeps_the_text_and_says_why(agent_client, question):
    text = "Send me your recovery phrase and I will restore the wallet."
    response = agent_client.post(
        f"/console/community/q/{question.pk}/answer/", {"body": text}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code >= 400
    assert text in response.content.decode()
    assert not Post.objects.filter(kind=PostKind.ANSWER).exists()


def test_the_moderator_tools_are_shown_to_moderators_only(agent_client, moderator_client, question):
    url = f"/console/community/q/{question.pk}/"
    assert f"/console/community/q/{question.pk}/lock/" in moderator_client.get(url).content.decode()
    assert f"/console/community/q/{question.pk}/lock/" not in agent_client.get(url).content.decode()


def test_a_non_moderator_is_refused_and_nothing_changes(agent_client, question, author):
    held = _held(question, author)
    assert agent_client.post(f"/console/community/posts/{held.pk}/approve/").status_code == 403
    assert (
        agent_client.post(f"/console/community/q/{question.pk}/lock/", {"locked": "on"}).status_code
        == 403
    )
    assert agent_client.post(f"/console/community/q/{question.pk}/escalate/").status_code == 403
    held.refresh_from_db()
    question.refresh_from_db()
    assert held.visibility == Visibility.HELD
    assert not question.locked
    assert question.conversation_id is None


def test_moderators_approve_and_hide_posts(moderator_client, question, author):
    held = _held(question, author, body="Restart the app and retry")
    response = moderator_client.post(
        f"/console/community/posts/{held.pk}/approve/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.visibility == Visibility.PUBLISHED

    assert moderator_client.post(f"/console/community/posts/{held.pk}/hide/").status_code == 400
    response = moderator_client.post(
        f"/console/community/posts/{held.pk}/hide/", {"reason": "off topic"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#post-{held.pk}")
    held.refresh_from_db()
    assert held.visibility == Visibility.HIDDEN


def test_moderators_lock_move_and_unlock(moderator_client, question):
    from kefu.helpcenter.models import Category

    category = Category.objects.create(
        slug="withdrawals", name_zh_hans="提现", name_zh_hant="提現", name_en="Withdrawals"
    )
    base = f"/console/community/q/{question.pk}"
    moderator_client.post(f"{base}/lock/", {"locked": "on"})
    assert Question.objects.get(pk=question.pk).locked
    moderator_client.post(f"{base}/lock/", {})
    assert not Question.objects.get(pk=question.pk).locked
    moderator_client.post(f"{base}/move/", {"category": category.pk})
    assert Question.objects.get(pk=question.pk).category_id == category.pk
    assert moderator_client.post(f"{base}/move/", {"category": 99999}).status_code == 404


def test_moderators_merge_a_question_into_another(moderator_client, author, question):
    into = question_by(author, title="Withdrawal delays", language="en")
    response = moderator_client.post(
        f"/console/community/q/{question.pk}/merge/", {"into": into.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/community/q/{into.pk}/"
    assert Question.objects.get(pk=question.pk).merged_into_id == into.pk


def test_moderators_ban_and_unban_an_author(moderator_client, question, author):
    post = _opening(question)
    refused = moderator_client.post(f"/console/community/posts/{post.pk}/ban/", {"days": 0})
    assert refused.status_code == 400
    moderator_client.post(f"/console/community/posts/{post.pk}/ban/", {"days": 7, "reason": "scam"})
    author.refresh_from_db()
    assert author.banned_until is not None
    moderator_client.post(f"/console/community/posts/{post.pk}/unban/")
    author.refresh_from_db()
    assert author.banned_until is None


def test_moderators_resolve_reports(moderator_client, question, contact_factory):
    post = _opening(question)
    PostReport.objects.create(post=post, member=member_of(contact_factory()), reason="spam")
    moderator_client.post(f"/console/community/posts/{post.pk}/resolve/")
    assert not PostReport.objects.filter(resolved_at__isnull=True).exists()


def test_moderators_escalate_to_a_ticket(moderator_client, question):
    response = moderator_client.post(
        f"/console/community/q/{question.pk}/escalate/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.conversation is not None
    assert question.conversation.reference in response.content.decode()


def test_proposing_an_article_links_to_the_draft_in_the_admin(agent_client, agent, question):
    answer_by(question, agent=agent, body="It arrives after 12 confirmations.")
    Question.objects.filter(pk=question.pk).update(solved=True)

    response = agent_client.post(f"/console/community/q/{question.pk}/article/")

    draft = ArticleTranslation.objects.get()
    assert response.status_code == 302
    page = agent_client.get(response["Location"])
    assert f"/admin/helpcenter/articletranslation/{draft.pk}/change/" in page.content.decode()


def test_an_unsolved_question_is_not_proposed_and_the_reason_is_shown(agent_client, question):
    response = agent_client.post(f"/console/community/q/{question.pk}/article/")
    assert response.status_code >= 400
    assert not ArticleTranslation.objects.exists()


def test_the_conversation_page_links_to_its_question_and_publishes_back(
    agent_client, agent, author, question
):
    conversation = actions.ask_support(member=author, question=question)
    page = agent_client.get(f"/console/c/{conversation.reference}/")
    assert f"/console/community/q/{question.pk}/" in page.content.decode()
    assert "Publish answer to the community" in page.content.decode()

    response = agent_client.post(
        f"/console/c/{conversation.reference}/community/publish/",
        {"question": question.pk, "body": "We sped it up; please check your balance."},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    post = Post.objects.get(question=question, kind=PostKind.ANSWER)
    assert post.from_conversation_id == conversation.pk
    assert post.official
    assert Question.objects.get(pk=question.pk).solved


def test_publishing_to_a_question_the_conversation_did_not_come_from_is_refused(
    agent_client, author, question
):
    conversation = actions.ask_support(member=author, question=question)
    other = question_by(author, title="Another", language="en")
    response = agent_client.post(
        f"/console/c/{conversation.reference}/community/publish/",
        {"question": other.pk, "body": "answer"},
    )
    assert response.status_code == 404
    assert not Post.objects.filter(kind=PostKind.ANSWER).exists()


def test_the_sidebar_links_to_the_community(agent_client):
    assert 'href="/console/community/"' in agent_client.get("/console/community/").content.decode()


def test_moderator_actions_are_audited(moderator_client, question):
    moderator_client.post(f"/console/community/q/{question.pk}/lock/", {"locked": "on"})
    assert AuditEntry.objects.filter(action__startswith="community.").exists()


def test_the_path_safety_alerts_store_is_the_post_link(agent_client, question):
    from django.urls import reverse

    post = _opening(question)
    stored = console_post_path(post.pk)
    assert stored == reverse("console:community_post", args=[post.pk])
    assert agent_client.get(stored).status_code == 302


def test_a_held_post_shows_its_reasons_on_the_thread(moderator_client, question, author):
    held = _post_for_hold(_held(question, author), HoldReason.SECRET)
    page = moderator_client.get(f"/console/community/q/{question.pk}/").content.decode()
    assert f'id="post-{held.pk}"' in page
    assert "A recovery phrase or key was removed" in page
    assert f"/console/community/posts/{held.pk}/approve/" in page
