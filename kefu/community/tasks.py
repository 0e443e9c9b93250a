"""Background jobs of the community: mailing subscribers about answers.

Sending talks to a mail server, so it never runs in the request that posted; the actions
queue these after their transaction commits. The jobs read the post again when they
run: one hidden or held in between tells nobody. A job that runs twice (a worker that
died is reclaimed) may mail twice; a second notice of the same answer is the lesser harm
next to a lost one.
"""

from django_tasks import task

from kefu.community import notices
from kefu.community.links import question_url
from kefu.community.models import Member, Post, PostKind, Question, Visibility


def _published_answer(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("question", "member__contact", "agent")
        .filter(
            pk=post_id,
            kind=PostKind.ANSWER,
            visibility=Visibility.PUBLISHED,
            question__visibility=Visibility.PUBLISHED,
        )
        .first()
    )


def _answer_context(post: Post) -> dict[str, object]:
    question = post.question
    return {
        "question_id": question.pk,
        "title": question.title,
        "question_url": question_url(question.pk),
        "author": notices.author_name(post),
        "official": post.official,
        "excerpt": notices.excerpt(post.body),
    }


@task()
def send_answer_notices(post_id: int) -> int:
    """Tell the question's subscribers, its author aside, about a published answer.

    Returns how many mails were sent.
    """
    post = _published_answer(post_id)
    if post is None:
        return 0  # gone, hidden, or held again since it was queued
    context = _answer_context(post)
    members = [m for m in notices.subscribers(post.question) if m.pk != post.member_id]
    recipients = notices.recipients(members)
    for recipient in recipients:
        notices.send(recipient, "answer", context)
    return len(recipients)


@task()
def send_accepted_notice(question_id: int) -> int:
    """Tell the accepted answer's author (a member) and the subscribers that it was accepted.

    The question's author accepted it and is not told; returns how many mails were sent.
    """
    question = Question.objects.filter(pk=question_id).only("accepted_answer_id").first()
    if question is None or question.accepted_answer_id is None:
        return 0  # withdrawn since
    post = _published_answer(question.accepted_answer_id)
    if post is None:
        return 0
    asker = (
        Post.objects.filter(question=post.question, kind=PostKind.QUESTION)
        .values_list("member_id", flat=True)
        .first()
    )
    context = _answer_context(post)
    members: dict[int, Member] = {}
    if post.member is not None:
        members[post.member.pk] = post.member
    for member in notices.subscribers(post.question):
        members.setdefault(member.pk, member)
    members.pop(asker or 0, None)
    recipients = notices.recipients(members.values())
    for recipient in recipients:
        to_author = recipient.member.pk == post.member_id
        notices.send(recipient, "accepted", context | {"to_author": to_author})
    return len(recipients)
