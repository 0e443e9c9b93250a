"""Questions and answers made straight in the database, for tests of what comes after
posting (support, moderation in the console): they do not depend on the posting rules
(first-post review, rate limits) that tests/community/test_actions.py covers."""

import itertools

from django.utils import timezone

from kefu.agents.models import Agent
from kefu.community.models import Member, Post, PostKind, Question, Visibility
from kefu.contacts.models import Contact

_names = itertools.count(1)


def member_of(contact: Contact, display_name: str = "") -> Member:
    name = display_name or f"member{next(_names)}"
    return Member.objects.create(
        contact=contact, display_name=name, name_key=name.casefold(), approved_posts=5
    )


def question_by(
    member: Member,
    *,
    title: str = "提现一直没到账怎么办",
    body: str = "我昨天提现 USDT,到现在还没到账。",
    language: str = "zh-Hans",
    visibility: str = Visibility.PUBLISHED,
) -> Question:
    now = timezone.now()
    question = Question.objects.create(
        title=title, language=language, visibility=visibility, last_activity_at=now
    )
    Post.objects.create(
        question=question, kind=PostKind.QUESTION, member=member, body=body, visibility=visibility
    )
    return question


def staff_question(agent: Agent, *, title: str = "公告:维护时间") -> Question:
    question = Question.objects.create(
        title=title, language="zh-Hans", last_activity_at=timezone.now()
    )
    Post.objects.create(question=question, kind=PostKind.QUESTION, agent=agent, body="维护说明")
    return question


def answer_by(
    question: Question,
    *,
    member: Member | None = None,
    agent: Agent | None = None,
    body: str = "请稍等,链上确认需要时间。",
    visibility: str = Visibility.PUBLISHED,
) -> Post:
    post = Post.objects.create(
        question=question,
        kind=PostKind.ANSWER,
        member=member,
        agent=agent,
        official=agent is not None,
        body=body,
        visibility=visibility,
    )
    Question.objects.filter(pk=question.pk).update(answer_count=question.answer_count + 1)
    return post
