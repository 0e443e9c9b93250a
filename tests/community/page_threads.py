"""Threads written straight to the database, for tests of what the pages read.

The actions screen and count; reading tests need exact rows (a held post, an official
answer, a score) without going through them.
"""

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone
from django.utils.html import escape

from kefu.agents.models import Agent
from kefu.community.models import Member, Post, PostKind, Question, Visibility
from kefu.contacts.models import Contact
from kefu.helpcenter.models import Category

_ticks = count(1)


def member(contact: Contact, name: str) -> Member:
    return Member.objects.create(contact=contact, display_name=name, name_key=name.casefold())


def category(slug: str = "deposits", name: str = "Deposits") -> Category:
    return Category.objects.create(slug=slug, name_en=name, name_zh_hans=name, name_zh_hant=name)


def _moment() -> datetime:
    # Strictly increasing, so "newest activity first" is deterministic.
    return timezone.now() + timedelta(seconds=next(_ticks))


def question(
    author: Member,
    title: str = "Where is my deposit?",
    body: str = "It has been two hours.",
    *,
    in_category: Category | None = None,
    visibility: str = Visibility.PUBLISHED,
    hold_reasons: tuple[str, ...] = (),
    **fields: object,
) -> Question:
    asked = Question.objects.create(
        title=title,
        language="en",
        category=in_category,
        visibility=visibility,
        last_activity_at=_moment(),
        **fields,
    )
    Post.objects.create(
        question=asked,
        kind=PostKind.QUESTION,
        member=author,
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        visibility=visibility,
        hold_reasons=list(hold_reasons),
    )
    return asked


def post(
    on: Question,
    body: str,
    *,
    by: Member | Agent,
    kind: str = PostKind.ANSWER,
    parent: Post | None = None,
    visibility: str = Visibility.PUBLISHED,
    hold_reasons: tuple[str, ...] = (),
    score: int = 0,
) -> Post:
    written = Post.objects.create(
        question=on,
        kind=kind,
        parent=parent,
        member=by if isinstance(by, Member) else None,
        agent=by if isinstance(by, Agent) else None,
        official=isinstance(by, Agent) and kind == PostKind.ANSWER,
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        visibility=visibility,
        hold_reasons=list(hold_reasons),
        score=score,
    )
    if kind == PostKind.ANSWER and visibility == Visibility.PUBLISHED:
        Question.objects.filter(pk=on.pk).update(answer_count=on.answer_count + 1)
        on.answer_count += 1
    return written
