"""Every write of the community: posting, voting, reporting, and moderating.

Each action checks everything it can before it writes (the author may post here, the
text is within limits, the screening of the text), then writes in one transaction, with
the question's counters moved by F() expressions in the same transaction, and the search
document rewritten whenever what it holds changes. Nothing leaves the process before the
commit: alerts and events are published on commit.

Posts are screened before they are stored (kefu.community.moderation): what is stored
is redacted, and a post that must be looked at is stored held with its reasons, which
its author sees (the page shows them a private warning) and moderators review.

Agents are screened like members, except for the first-post queue: a secret in an
agent's post is removed and the post held (an agent may paste a customer's phrase while
quoting them; the quote must not go public, and a supervisor should know), and an
invitation to talk elsewhere is held too (an insider posing as support is the threat
model). What an agent posts must also pass the outbound guard: an official answer that
asks for a phrase, a key or a scam step is refused with the console's OutboundBlocked,
nothing is stored, and supervisors are alerted, exactly as for a blocked reply.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.agents.models import Agent
from kefu.community import errors, tasks
from kefu.community.links import console_post_path, question_url
from kefu.community.models import (
    HoldReason,
    Member,
    Post,
    PostFile,
    PostKind,
    PostReport,
    Question,
    Subscription,
    Visibility,
    Vote,
)
from kefu.community.moderation import Screening, name_key, screen
from kefu.community.permissions import is_moderator, require_moderator, require_staff
from kefu.community.rendering import to_html
from kefu.community.search.indexing import index_question
from kefu.contacts.models import Contact
from kefu.conversations import attachments
from kefu.conversations.actions import add_system_note, receive_message
from kefu.conversations.inbound import InboundAttachment, InboundMessage
from kefu.conversations.models import Conversation, Status
from kefu.core import audit, throttle
from kefu.core.errors import KefuError
from kefu.core.languages import Language, in_language
from kefu.helpcenter.actions import save_article, save_category, save_translation
from kefu.helpcenter.models import ArticleTranslation, Category
from kefu.helpcenter.models import Status as ArticleStatus
from kefu.inboxes.portal.inbound import portal_inbox
from kefu.safety.actions import raise_alert
from kefu.safety.links import skeleton
from kefu.safety.models import SafetyAlert
from kefu.safety.outbound import guard_public_text
from kefu.safety.redaction import redact

Author = Member | Agent

# The label of SafetyAlert.Kind.COMMUNITY_POST, translated in this app's catalogue: the
# safety app's strings live in the project catalogue, which apps do not regenerate.
ALERT_LABEL = gettext_lazy("A community post was held")

# Members post at most this often; agents are not limited (they answer for a living).
POST_LIMIT = throttle.Limit("community.post", attempts=5, window_seconds=600)
VOTE_LIMIT = throttle.Limit("community.vote", attempts=30, window_seconds=600)
REPORT_LIMIT = throttle.Limit("community.report", attempts=10, window_seconds=3600)

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
MAX_FILES = 4

# Names people take to pass for staff, folded (NFKC, lower case, confusables skeleton).
_RESERVED_NAMES = (
    "official",
    "support",
    "admin",
    "administrator",
    "moderator",
    "staff",
    "helpdesk",
    "customerservice",
    "kefu",
    "客服",
    "官方",
    "管理员",
    "管理員",
    "客服人员",
    "客服人員",
    "版主",
    "工作人员",
    "工作人員",
    "官网",
    "官網",
)
_NAME_STRIP = str.maketrans("", "", " _-.·'\"|/\\")


# --- who writes -------------------------------------------------------------------------


def join(*, contact: Contact, display_name: str) -> Member:
    """The contact's community membership with a public name (theirs already, if any)."""
    existing = Member.objects.filter(contact=contact).first()
    if existing is not None:
        return existing
    name = " ".join(display_name.split())
    _check_name(name)
    key = name_key(name)
    if Member.objects.filter(name_key=key).exists():
        raise errors.NameTaken()
    try:
        with transaction.atomic():
            return Member.objects.create(contact=contact, display_name=name, name_key=key)
    except IntegrityError:
        # Two sign-ups for one name at once: the second is told the name is taken.
        if Member.objects.filter(contact=contact).exists():
            return Member.objects.get(contact=contact)
        raise errors.NameTaken() from None


def _check_name(name: str) -> None:
    if not errors.MIN_NAME_CHARS <= len(name) <= errors.MAX_NAME_CHARS:
        raise errors.name_length()
    if redact(name).found:
        raise errors.name_secret()
    if looks_like_staff(name):
        raise errors.name_reserved()


def looks_like_staff(name: str) -> bool:
    """Whether a display name passes for staff, however it is spelt ("0fficial_Supp0rt",
    "ＡＤＭＩＮ", "客 服")."""
    folded = name_key(name).translate(_NAME_STRIP)
    ascii_part = "".join(char for char in folded if char.isascii())
    shapes = {folded, skeleton(ascii_part) if ascii_part else "", _unleet(ascii_part)}
    return any(word in shape for shape in shapes if shape for word in _RESERVED_NAMES)


_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})


def _unleet(text: str) -> str:
    return text.translate(_LEET)


def _check_member(member: Member) -> None:
    # Read afresh: a ban or an approval may have come since the caller loaded the member.
    member.refresh_from_db(fields=["banned_until", "approved_posts"])
    if member.banned_until is not None and member.banned_until > timezone.now():
        raise errors.Banned(member.banned_until)


def _check_author(author: Author) -> None:
    if isinstance(author, Agent):
        require_staff(author)
    else:
        _check_member(author)


def _limit(author: Author, limit: throttle.Limit) -> None:
    """Count one attempt before it is made (outside the transaction, so it stays counted)."""
    if isinstance(author, Agent):
        return
    try:
        allowed = throttle.reserve(limit, f"member:{author.pk}")
    except throttle.CounterUnavailable:
        allowed = False
    if not allowed:
        raise errors.RateLimited()


def _author_fields(author: Author) -> dict[str, object]:
    if isinstance(author, Agent):
        return {"agent": author, "member": None}
    return {"member": author, "agent": None}


def _is_author(author: Author, post: Post) -> bool:
    if isinstance(author, Agent):
        return post.agent_id == author.pk
    return post.member_id == author.pk


# --- what is written ----------------------------------------------------------------------


def _check_body(body: str, *, allow_empty: bool = False) -> str:
    if not body.strip() and not allow_empty:
        raise errors.EmptyPost()
    if len(body) > errors.MAX_BODY_CHARS:
        raise errors.PostTooLong()
    return body.strip()


def _check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise errors.TitleRequired()
    if len(title) > errors.MAX_TITLE_CHARS:
        raise errors.TitleTooLong()
    return title


def _read_files(files: Sequence[InboundAttachment | UploadedFile]) -> list[InboundAttachment]:
    """The files as checked images: the same size check and type-from-bytes as a
    conversation's attachments, and images only (a forum shows pictures, not documents)."""
    if len(files) > MAX_FILES:
        raise errors.too_many_files(MAX_FILES)
    read = []
    for upload in files:
        attachment = upload if isinstance(upload, InboundAttachment) else _read(upload)
        if len(attachment.content) > settings.KEFU_MAX_ATTACHMENT_BYTES:
            # The name is shown back to its author: screened first, like the text.
            raise attachments.too_large(redact(attachment.filename).text)
        if attachments.sniffed_type(attachment) not in IMAGE_TYPES:
            raise errors.file_not_image(redact(attachment.filename).text)
        read.append(attachment)
    return read


def _read(upload: UploadedFile) -> InboundAttachment:
    try:
        return attachments.read_upload(upload)
    except KefuError as refused:
        raise errors.FileRejected(redact(refused.message).text) from None


def _guard_official(author: Author, text: str, language: str) -> None:
    """An official answer is read by customers as the exchange's word: it passes the
    outbound guard as a console reply does, and is refused with the console's error."""
    if isinstance(author, Agent):
        guard_public_text(agent=author, text=text, language=language)


def _visibility(author: Author, screening: Screening) -> tuple[str, list[str]]:
    reasons = list(screening.reasons)
    if isinstance(author, Member) and author.approved_posts < settings.KEFU_COMMUNITY_TRUSTED_AFTER:
        reasons.append(HoldReason.FIRST_POSTS.value)
    return (Visibility.HELD if reasons else Visibility.PUBLISHED), reasons


def _mentionable(question: Question) -> list[str]:
    """Display names of the members in a thread: "@name" of one of them is a mention."""
    return list(
        Member.objects.filter(posts__question=question)
        .values_list("display_name", flat=True)
        .distinct()
    )


def _store_files(post: Post, files: Sequence[InboundAttachment]) -> None:
    for upload in files:
        stored = PostFile(
            post=post,
            file_name=upload.filename[:255],
            content_type=attachments.sniffed_type(upload),
            size=len(upload.content),
        )
        # The file name on disk is not the uploaded one: it was screened, but a storage
        # name need not say anything at all.
        stored.file.save(
            f"{post.pk}{_extension(stored.content_type)}", ContentFile(upload.content), save=False
        )
        stored.save()


def _extension(content_type: str) -> str:
    return {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}.get(
        content_type, ".webp"
    )


def _after_screening(post: Post, screening: Screening) -> None:
    """Alert supervisors of a secret that was removed (inside the transaction; the alert's
    event leaves on commit)."""
    if screening.secret_kinds:
        raise_alert(
            kind=SafetyAlert.Kind.COMMUNITY_POST,
            reasons=sorted(screening.secret_kinds),
            agent=post.agent,
            link=console_post_path(post.pk),
        )


def _create_post(
    *,
    author: Author,
    question: Question,
    kind: str,
    screening: Screening,
    parent: Post | None = None,
) -> Post:
    visibility, reasons = _visibility(author, screening)
    post = Post.objects.create(
        question=question,
        kind=kind,
        parent=parent,
        body=screening.body,
        body_html=to_html(screening.body),
        visibility=visibility,
        hold_reasons=reasons,
        official=isinstance(author, Agent) and kind == PostKind.ANSWER,
        **_author_fields(author),
    )
    _store_files(post, screening.files)
    if visibility == Visibility.PUBLISHED and isinstance(author, Member):
        Member.objects.filter(pk=author.pk).update(approved_posts=F("approved_posts") + 1)
    _after_screening(post, screening)
    return post


# --- posting -------------------------------------------------------------------------------


def ask(
    *,
    author: Author,
    title: str,
    body: str,
    language: str,
    category: Category | None = None,
    files: Sequence[InboundAttachment | UploadedFile] = (),
) -> Question:
    """Open a question; it is returned whatever its visibility (a held one tells its
    author why through its opening post's hold_reasons)."""
    _check_author(author)
    title = _check_title(title)
    body = _check_body(body)
    if language not in Language.values:
        language = Language.ZH_HANS
    read = _read_files(files)
    screening = screen(title=title, body=body, files=read, language=language)
    _guard_official(author, f"{title}\n{body}", language)
    _limit(author, POST_LIMIT)
    now = timezone.now()
    with transaction.atomic():
        question = Question.objects.create(
            title=screening.title[: errors.MAX_TITLE_CHARS],
            language=language,
            category=category,
            last_activity_at=now,
        )
        post = _create_post(
            author=author, question=question, kind=PostKind.QUESTION, screening=screening
        )
        if post.visibility != Visibility.PUBLISHED:
            question.visibility = post.visibility
            question.save(update_fields=["visibility"])
        if isinstance(author, Member):
            Subscription.objects.get_or_create(question=question, member=author)
        index_question(question)
    question.refresh_from_db()
    return question


def _check_open(question: Question, author: Author) -> None:
    if question.merged_into_id is not None:
        raise errors.Merged()
    if question.locked and not (isinstance(author, Agent) and is_moderator(author)):
        raise errors.Locked()


def _check_visible_to(question_or_post: Question | Post, author: Author) -> None:
    """Members write under what they can see: published posts (and their own)."""
    if isinstance(author, Agent) or question_or_post.visibility == Visibility.PUBLISHED:
        return
    if isinstance(question_or_post, Post) and _is_author(author, question_or_post):
        return
    if (
        isinstance(question_or_post, Question)
        and question_or_post.posts.filter(kind=PostKind.QUESTION, member=author).exists()
    ):
        return
    raise errors.NotPublished()


def answer(
    *,
    author: Author,
    question: Question,
    body: str,
    files: Sequence[InboundAttachment | UploadedFile] = (),
) -> Post:
    """Answer a question; an agent's answer is official, and solves it once published."""
    _check_author(author)
    _check_open(question, author)
    _check_visible_to(question, author)
    body = _check_body(body)
    read = _read_files(files)
    screening = screen(
        body=body, files=read, language=question.language, mentionable=_mentionable(question)
    )
    _guard_official(author, body, question.language)
    _limit(author, POST_LIMIT)
    with transaction.atomic():
        post = _create_post(
            author=author, question=question, kind=PostKind.ANSWER, screening=screening
        )
        if isinstance(author, Member):
            Subscription.objects.get_or_create(question=question, member=author)
        if post.visibility == Visibility.PUBLISHED:
            _published(post)
            _notify_answer(post)
        else:
            _touch(question)
    return post


def comment(*, author: Author, parent: Post, body: str) -> Post:
    """Comment on a question's opening post or on an answer (comments do not nest)."""
    _check_author(author)
    question = parent.question
    _check_open(question, author)
    if parent.kind == PostKind.COMMENT:
        raise errors.InvalidMove(_("Comments are made on a question or an answer."))
    _check_visible_to(parent, author)
    body = _check_body(body)
    screening = screen(body=body, language=question.language, mentionable=_mentionable(question))
    _guard_official(author, body, question.language)
    _limit(author, POST_LIMIT)
    with transaction.atomic():
        post = _create_post(
            author=author,
            question=question,
            kind=PostKind.COMMENT,
            screening=screening,
            parent=parent,
        )
        _touch(question)
    return post


def edit(*, author: Author, post: Post, body: str, title: str | None = None) -> Post:
    """The author rewrites their post (and a question's title). The new text is screened
    like a new post: a published post whose new text must be looked at is held again."""
    _check_author(author)
    if not _is_author(author, post):
        raise errors.not_author_edit()
    question = post.question
    if post.visibility == Visibility.HIDDEN:
        raise errors.NotPublished()
    if question.merged_into_id is not None:
        raise errors.Merged()
    body = _check_body(body)
    if title is not None and post.kind != PostKind.QUESTION:
        title = None
    checked_title = _check_title(title) if title is not None else None
    screening = screen(
        title=checked_title or "",
        body=body,
        language=question.language,
        mentionable=_mentionable(question),
    )
    _guard_official(author, f"{checked_title or ''}\n{body}", question.language)
    _limit(author, POST_LIMIT)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        post.body = screening.body
        post.body_html = to_html(screening.body)
        post.edited_at = timezone.now()
        fields = ["body", "body_html", "edited_at"]
        if screening.held:
            reasons = sorted(set(post.hold_reasons) | set(screening.reasons))
            post.hold_reasons = [reason for reason in HoldReason.values if reason in reasons]
            fields.append("hold_reasons")
        post.save(update_fields=fields)
        if checked_title is not None:
            Question.objects.filter(pk=question.pk).update(title=screening.title)
        if screening.held and post.visibility == Visibility.PUBLISHED:
            _set_visibility(post, Visibility.HELD)
        _after_screening(post, screening)
        question.refresh_from_db()
        index_question(question)
    return post


def _touch(question: Question) -> None:
    Question.objects.filter(pk=question.pk).update(last_activity_at=timezone.now())


def _published(post: Post) -> None:
    """The counters and index of a post that just became public (new, or approved)."""
    now = timezone.now()
    question_id = post.question_id
    changes: dict[str, object] = {"last_activity_at": now}
    if post.kind == PostKind.ANSWER:
        changes["answer_count"] = F("answer_count") + 1
    Question.objects.filter(pk=question_id).update(**changes)
    if post.kind == PostKind.ANSWER and post.official:
        Question.objects.filter(pk=question_id).update(solved=True)
        Question.objects.filter(pk=question_id, first_official_answer_at__isnull=True).update(
            first_official_answer_at=now
        )
    if post.kind == PostKind.QUESTION:
        Question.objects.filter(pk=question_id).update(visibility=Visibility.PUBLISHED)
    question = Question.objects.get(pk=question_id)
    post.question = question
    index_question(question)


def _unpublished(post: Post) -> None:
    """The counters and index of a post that stopped being public (held again, hidden)."""
    question_id = post.question_id
    if post.kind == PostKind.ANSWER:
        Question.objects.filter(pk=question_id, answer_count__gt=0).update(
            answer_count=F("answer_count") - 1
        )
        Question.objects.filter(pk=question_id, accepted_answer=post).update(accepted_answer=None)
        _recompute_solved(question_id)
    if post.kind == PostKind.QUESTION:
        Question.objects.filter(pk=question_id).update(visibility=post.visibility)
    question = Question.objects.get(pk=question_id)
    post.question = question
    index_question(question)


def _recompute_solved(question_id: int) -> None:
    """Solved while an accepted answer or a published official answer remains."""
    official = Post.objects.filter(
        question_id=question_id,
        kind=PostKind.ANSWER,
        official=True,
        visibility=Visibility.PUBLISHED,
    ).exists()
    accepted = Question.objects.filter(pk=question_id, accepted_answer__isnull=False).exists()
    Question.objects.filter(pk=question_id).update(solved=official or accepted)


def _set_visibility(post: Post, visibility: str) -> None:
    """Change a post's visibility with everything that follows from it."""
    before = post.visibility
    if before == visibility:
        return
    post.visibility = visibility
    post.save(update_fields=["visibility"])
    if visibility == Visibility.PUBLISHED:
        _published(post)
    elif before == Visibility.PUBLISHED:
        _unpublished(post)
    elif post.kind == PostKind.QUESTION:
        Question.objects.filter(pk=post.question_id).update(visibility=visibility)


# --- votes, accepting, reports, subscriptions ---------------------------------------------


def vote(*, member: Member, post: Post, value: int) -> Post:
    """Up (1), down (-1) or withdraw (0); a second vote replaces the first."""
    _check_member(member)
    if value not in (1, -1, 0):
        raise errors.InvalidVote()
    if post.member_id == member.pk:
        raise errors.OwnPostVote()
    if post.visibility != Visibility.PUBLISHED:
        raise errors.NotPublished()
    _limit(member, VOTE_LIMIT)
    with transaction.atomic():
        existing = Vote.objects.select_for_update().filter(post=post, member=member).first()
        before = existing.value if existing else 0
        if value == 0 and existing is not None:
            existing.delete()
        elif existing is not None:
            existing.value = value
            existing.save(update_fields=["value"])
        elif value != 0:
            Vote.objects.create(post=post, member=member, value=value)
        delta = value - before
        if delta:
            Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
            if post.kind == PostKind.QUESTION:
                Question.objects.filter(pk=post.question_id).update(score=F("score") + delta)
    post.refresh_from_db(fields=["score"])
    return post


def accept(*, member: Member, answer: Post) -> Question:
    """The asker marks the answer that solved it; accepting another replaces it."""
    _check_member(member)
    question = answer.question
    opening = question.posts.filter(kind=PostKind.QUESTION).first()
    if opening is None or opening.member_id != member.pk:
        raise errors.not_author_accept()
    if answer.kind != PostKind.ANSWER or answer.visibility != Visibility.PUBLISHED:
        raise errors.NotAnAnswer()
    if question.merged_into_id is not None:
        raise errors.Merged()
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(
            accepted_answer=answer, solved=True, last_activity_at=timezone.now()
        )
        already = question.accepted_answer_id == answer.pk
        question.refresh_from_db()
        index_question(question)
        if not already:
            transaction.on_commit(partial(tasks.send_accepted_notice.enqueue, question.pk))
    return question


def report(*, member: Member, post: Post, reason: str, note: str = "") -> PostReport:
    """A member reports a post; enough reports from different members hold it for review."""
    _check_member(member)
    if reason not in PostReport.Reason.values:
        raise errors.InvalidReason()
    if post.visibility != Visibility.PUBLISHED:
        raise errors.NotPublished()
    note = redact(" ".join(note.split())[:500]).text
    if PostReport.objects.filter(post=post, member=member).exists():
        raise errors.AlreadyReported()
    _limit(member, REPORT_LIMIT)
    try:
        with transaction.atomic():
            added = PostReport.objects.create(post=post, member=member, reason=reason, note=note)
            open_reports = PostReport.objects.filter(post=post, resolved_at__isnull=True)
            if (
                post.visibility == Visibility.PUBLISHED
                and open_reports.count() >= settings.KEFU_COMMUNITY_REPORTS_TO_HOLD
            ):
                locked = Post.objects.select_for_update().get(pk=post.pk)
                locked.hold_reasons = [*locked.hold_reasons, HoldReason.REPORTED.value]
                locked.save(update_fields=["hold_reasons"])
                _set_visibility(locked, Visibility.HELD)
                post.visibility = locked.visibility
    except IntegrityError:
        raise errors.AlreadyReported() from None
    return added


def subscribe(*, member: Member, question: Question, on: bool) -> None:
    """Be told by email of answers to `question` (on) or stop (off)."""
    if on:
        Subscription.objects.get_or_create(question=question, member=member)
    else:
        Subscription.objects.filter(question=question, member=member).delete()


def _notify_answer(post: Post) -> None:
    """Mail the question's subscribers about a published answer once this commits."""
    transaction.on_commit(partial(tasks.send_answer_notices.enqueue, post.pk))


# --- moderators -----------------------------------------------------------------------------


def approve(*, actor: Agent, post: Post) -> Post:
    """Publish a held post; its author is one approved post closer to posting freely."""
    require_moderator(actor)
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.visibility == Visibility.PUBLISHED:
            return post
        reasons = list(post.hold_reasons)
        post.hold_reasons = []
        post.save(update_fields=["hold_reasons"])
        _set_visibility(post, Visibility.PUBLISHED)
        if post.kind == PostKind.ANSWER:
            _notify_answer(post)
        if post.member_id is not None:
            Member.objects.filter(pk=post.member_id).update(approved_posts=F("approved_posts") + 1)
        audit.record(actor, "community.approve", post, reasons=reasons)
    return post


def hide(*, actor: Agent, post: Post, reason: str) -> Post:
    """Take a post down; it is kept for the audit trail."""
    require_moderator(actor)
    reason = redact(" ".join(reason.split())[:200]).text
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.visibility == Visibility.HIDDEN:
            return post
        _set_visibility(post, Visibility.HIDDEN)
        audit.record(actor, "community.hide", post, reason=reason)
    return post


def set_locked(*, actor: Agent, question: Question, locked: bool) -> Question:
    require_moderator(actor)
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(locked=locked)
        audit.record(actor, "community.lock" if locked else "community.unlock", question)
    question.refresh_from_db()
    return question


def move(*, actor: Agent, question: Question, category: Category | None) -> Question:
    require_moderator(actor)
    with transaction.atomic():
        before = question.category_id
        Question.objects.filter(pk=question.pk).update(category=category)
        audit.record(
            actor,
            "community.move",
            question,
            **{"from": before, "to": category.pk if category else None},
        )
    question.refresh_from_db()
    return question


def merge(*, actor: Agent, question: Question, into: Question) -> Question:
    """Fold a duplicate into another question: its answers (with their comments and
    votes) move there, and its page points there. The duplicate's own post stays."""
    require_moderator(actor)
    if question.pk == into.pk or into.merged_into_id is not None:
        raise errors.InvalidMove(_("A question can only be merged into another open question."))
    if question.merged_into_id is not None:
        raise errors.Merged()
    with transaction.atomic():
        answers = Post.objects.filter(question=question, kind=PostKind.ANSWER)
        moved_answers = answers.filter(visibility=Visibility.PUBLISHED).count()
        Post.objects.filter(
            Q(pk__in=answers.values("pk")) | Q(parent__in=answers.values("pk")),
            question=question,
        ).update(question=into)
        source = Question.objects.select_for_update().get(pk=question.pk)
        Question.objects.filter(pk=into.pk).update(
            answer_count=F("answer_count") + moved_answers, last_activity_at=timezone.now()
        )
        if source.first_official_answer_at is not None:
            Question.objects.filter(
                Q(first_official_answer_at__isnull=True)
                | Q(first_official_answer_at__gt=source.first_official_answer_at),
                pk=into.pk,
            ).update(first_official_answer_at=source.first_official_answer_at)
        Question.objects.filter(pk=question.pk).update(
            merged_into=into, answer_count=0, accepted_answer=None, solved=False
        )
        _recompute_solved(into.pk)
        # Members subscribed to the duplicate follow the question it became.
        for member_id in Subscription.objects.filter(question=question).values_list(
            "member_id", flat=True
        ):
            Subscription.objects.get_or_create(question=into, member_id=member_id)
        question.refresh_from_db()
        into.refresh_from_db()
        index_question(question)
        index_question(into)
        audit.record(actor, "community.merge", question, into=into.pk, answers=moved_answers)
    return question


def ban(*, actor: Agent, member: Member, until: datetime, reason: str) -> Member:
    require_moderator(actor)
    if until <= timezone.now():
        raise errors.InvalidMove(_("A ban ends in the future."))
    reason = redact(" ".join(reason.split())[:200]).text
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(banned_until=until, ban_reason=reason)
        audit.record(actor, "community.ban", member, until=until.isoformat(), reason=reason)
    member.refresh_from_db()
    return member


def unban(*, actor: Agent, member: Member) -> Member:
    require_moderator(actor)
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(banned_until=None, ban_reason="")
        audit.record(actor, "community.unban", member)
    member.refresh_from_db()
    return member


def resolve_reports(*, actor: Agent, post: Post) -> int:
    """Mark the post's open reports as handled; how many there were."""
    require_moderator(actor)
    with transaction.atomic():
        count = PostReport.objects.filter(post=post, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor
        )
        audit.record(actor, "community.resolve_reports", post, reports=count)
    return count


__all__ = [
    "PermissionDenied",
    "accept",
    "answer",
    "approve",
    "ask",
    "ban",
    "comment",
    "edit",
    "hide",
    "join",
    "merge",
    "move",
    "report",
    "resolve_reports",
    "set_locked",
    "subscribe",
    "unban",
    "vote",
]


# --- Support ------------------------------------------------------------------------
# A question taken to a private support conversation, its answer published back, and a
# solved question proposed as a help-center article. The public page only learns that
# support took it over (question.conversation_id); the ticket and its details stay private.

# Help-center articles drafted from questions live in the question's category, or here.
ARTICLE_CATEGORY_SLUG = "community"
ARTICLE_SLUG = "community-question-{id}"


def _opening_post(question: Question) -> Post:
    return Post.objects.select_related("member__contact").get(
        question=question, kind=PostKind.QUESTION
    )


def ask_support(*, member: Member, question: Question) -> Conversation:
    """The question's author asks support about it privately: a portal ticket opens.

    Asking again returns the same conversation while it is not closed; after it closed, a
    new one opens (the old one stays as it was, like a portal reply to a closed ticket).
    """
    opening = _opening_post(question)
    if opening.member_id != member.pk:
        raise errors.NotAuthor(_("Only the person who asked can take this question to support."))
    return _take_to_support(question, opening, opening_by=member, actor=None)


def escalate(*, actor: Agent, question: Question) -> Conversation:
    """A moderator hands a member's question to support, as if its author had asked."""
    require_moderator(actor)
    opening = _opening_post(question)
    if opening.member is None:
        raise errors.StaffQuestion()
    return _take_to_support(question, opening, opening_by=opening.member, actor=actor)


def _take_to_support(
    question: Question, opening: Post, *, opening_by: Member, actor: Agent | None
) -> Conversation:
    url = question_url(question.pk)
    # The first message is the customer's own words (stored redacted already, and screened
    # again by receive_message) followed by where they were written.
    text = (
        opening.body
        + "\n\n"
        + in_language(
            question.language, lambda: _("Asked in the community: %(url)s") % {"url": url}
        )
    )
    with transaction.atomic():
        # Locked, so two clicks open one conversation (the row alone: PostgreSQL cannot
        # lock the nullable side of a join).
        locked = Question.objects.select_for_update().get(pk=question.pk)
        current = locked.conversation
        if current is not None and current.status != Status.CLOSED:
            question.conversation = current
            return current
        message = receive_message(
            InboundMessage(
                inbox=portal_inbox(),
                contact=opening_by.contact,
                text=text,
                subject=locked.title,
                language=locked.language,
            )
        )
        conversation = message.conversation
        note = (
            _("Escalated from community question #%(id)s by a moderator: %(url)s")
            if actor is not None
            else _("The author asked support about community question #%(id)s: %(url)s")
        )
        add_system_note(conversation=conversation, text=note % {"id": locked.pk, "url": url})
        Question.objects.filter(pk=locked.pk).update(conversation=conversation)
        if actor is not None:
            audit.record(actor, "community.escalate", locked, conversation=conversation.pk)
    question.conversation = conversation
    return conversation


def publish_answer(*, actor: Agent, question: Question, body: str) -> Post:
    """An agent's answer from the support conversation, published as an official answer.

    It is `answer(author=agent)` (the same screening and outbound guard as any official
    answer) that remembers the conversation it came from; once published, an official
    answer solves the question (a held one waits for a moderator like any other).
    """
    conversation = question.conversation
    if conversation is None:
        raise errors.NotWithSupport()
    with transaction.atomic():
        post = answer(author=actor, question=question, body=body)
        post.from_conversation = conversation
        post.save(update_fields=["from_conversation"])
        # The agents on the ticket see that the customer's question has its answer now.
        add_system_note(
            conversation=conversation,
            text=_("Published to community question #%(id)s as an official answer: %(url)s")
            % {"id": question.pk, "url": question_url(question.pk)},
        )
        audit.record(
            actor,
            "community.publish_answer",
            question,
            post=post.pk,
            conversation=conversation.pk,
        )
    question.refresh_from_db(fields=["solved", "first_official_answer_at", "answer_count"])
    return post


def _official_or_accepted(question: Question) -> Post | None:
    if question.accepted_answer_id is not None:
        accepted = Post.objects.filter(
            pk=question.accepted_answer_id, visibility=Visibility.PUBLISHED
        ).first()
        if accepted is not None:
            return accepted
    return (
        Post.objects.filter(
            question=question,
            kind=PostKind.ANSWER,
            official=True,
            visibility=Visibility.PUBLISHED,
        )
        .order_by("created_at")
        .first()
    )


def _without_names(text: str, names: set[str]) -> str:
    """Drop the thread's author names: an article speaks for the platform, not a person."""
    for name in sorted(names, key=len, reverse=True):
        if len(name) >= 2:
            text = re.sub(re.escape(name), "", text, flags=re.IGNORECASE)
    return text


def _thread_names(question: Question) -> set[str]:
    """Every name that wrote in the thread: members' display names, agents' names."""
    members = Member.objects.filter(posts__question=question).values_list("display_name", flat=True)
    agents = Agent.objects.filter(community_posts__question=question).values_list(
        "display_name", "username"
    )
    return {*members, *(name for pair in agents for name in pair if name)}


def propose_article(*, actor: Agent, question: Question) -> ArticleTranslation:
    """A solved question as a help-center draft, in the question's language, for review.

    Drafting is open to any agent: nothing is published until someone reviews it in the
    admin. Proposing again returns the draft already made rather than overwriting edits.
    """
    require_staff(actor)
    if not question.solved:
        raise errors.NotSolved()
    solution = _official_or_accepted(question)
    if solution is None:
        raise errors.NotSolved()
    slug = ARTICLE_SLUG.format(id=question.pk)
    existing = ArticleTranslation.objects.filter(
        article__slug=slug, language=question.language
    ).first()
    if existing is not None:
        return existing
    opening = _opening_post(question)
    names = _thread_names(question)
    heading = in_language(question.language, lambda: str(_("Answer")))
    body = f"{opening.body}\n\n## {heading}\n\n{solution.body}"
    # Stored text is redacted already; a second pass costs little and guards edits made
    # before the scanner knew a pattern.
    title = redact(_without_names(question.title, names), question.language).text
    body = redact(_without_names(body, names), question.language).text
    with transaction.atomic():
        article = save_article(
            slug=slug, intent="", category=_article_category(question), actor=actor
        )
        draft = save_translation(
            article=article,
            language=question.language,
            title=title[:200],
            body=body,
            status=ArticleStatus.DRAFT,
            author=actor,
            note=f"community question {question.pk}",
        )
        audit.record(actor, "community.propose_article", question, translation=draft.pk)
    return draft


def _article_category(question: Question) -> Category:
    if question.category is not None:
        return question.category
    existing = Category.objects.filter(slug=ARTICLE_CATEGORY_SLUG).first()
    if existing is not None:
        return existing
    return save_category(
        slug=ARTICLE_CATEGORY_SLUG,
        names={
            Language.ZH_HANS: "社区问答",
            Language.ZH_HANT: "社區問答",
            Language.EN: "Community answers",
        },
    )


__all__ += ["ask_support", "escalate", "propose_article", "publish_answer"]
