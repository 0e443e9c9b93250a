"""The user community: questions, answers and comments, screened before they are stored.

A question is a thread (`Question`: title, category, whether it is solved, locked or
taken over by support); everything written in it, its own text included, is a `Post`
(the question's opening post, answers, and comments on either). Customers write as a
`Member` (their portal contact with a public display name); staff write from the console
as agents, and an agent's answer is *official*, which is what the badge shows and the
verify page confirms by the agent's public id.

Nothing here is stored unscreened: a post's text, a title and a file name pass the
secret scanner first (kefu.community.moderation), and what must be looked at (a secret
removed, a look-alike link, an invitation to talk elsewhere, a new member's first post)
is stored `held` with its reasons, visible to its author and to moderators only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.languages import Language


class Member(models.Model):
    """A customer as the community knows them: their portal contact and a public name."""

    contact = models.OneToOneField(
        "contacts.Contact", on_delete=models.CASCADE, related_name="community_member"
    )
    display_name = models.CharField(_("display name"), max_length=40)
    # Lower-cased and NFKC-folded, so "Alice" and "ａｌｉｃｅ" are one name.
    name_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Posts a moderator approved or that were published without review; a member's
    # first posts wait for review until there are enough of these.
    approved_posts = models.PositiveIntegerField(default=0)
    banned_until = models.DateTimeField(null=True, blank=True)
    ban_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("community member")
        verbose_name_plural = _("community members")

    def __str__(self) -> str:
        return self.display_name


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("Published")
    # Waiting for a moderator: seen only by its author and moderators.
    HELD = "held", _("Held for review")
    # Taken down by a moderator (or the author); kept for the audit trail.
    HIDDEN = "hidden", _("Hidden")


class HoldReason(models.TextChoices):
    SECRET = "secret", _("A recovery phrase or key was removed")
    LOOKALIKE_LINK = "lookalike_link", _("A link imitates an official address")
    OFF_PLATFORM = "off_platform", _("Invites people to talk outside the community")
    FIRST_POSTS = "first_posts", _("A new member's first posts")
    REPORTED = "reported", _("Reported by members")


class Question(models.Model):
    category = models.ForeignKey(
        "helpcenter.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_questions",
    )
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(max_length=8, choices=Language.choices)
    # The opening post's visibility, kept here too so lists need no join.
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    locked = models.BooleanField(default=False)
    # A question merged into another: its page points there and lists skip it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_answer = models.ForeignKey(
        "community.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Solved: an accepted answer or an official one.
    solved = models.BooleanField(default=False)
    # Support took it over privately: the conversation holds the private details.
    conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_questions",
    )
    answer_count = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    first_official_answer_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("community question")
        verbose_name_plural = _("community questions")
        indexes = [
            models.Index(
                fields=["visibility", "category", "-last_activity_at"], name="community_q_list"
            ),
            models.Index(fields=["visibility", "-created_at"], name="community_q_created"),
        ]

    def __str__(self) -> str:
        return self.title


class PostKind(models.TextChoices):
    QUESTION = "question", _("Question")
    ANSWER = "answer", _("Answer")
    COMMENT = "comment", _("Comment")


class Post(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=10, choices=PostKind.choices)
    # A comment's post (the question's opening post or an answer).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    # Exactly one author: a member, or an agent writing from the console.
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_posts",
    )
    # Markdown as written, redacted; the HTML is rendered from it and sanitized.
    body = models.TextField()
    body_html = models.TextField(default="")
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    hold_reasons = models.JSONField(default=list)
    # Staff answers are official; an answer published back from a support conversation
    # remembers it.
    official = models.BooleanField(default=False)
    from_conversation = models.ForeignKey(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("community post")
        verbose_name_plural = _("community posts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(member__isnull=False, agent__isnull=True)
                    | models.Q(member__isnull=True, agent__isnull=False)
                ),
                name="community_post_one_author",
            )
        ]
        indexes = [
            models.Index(fields=["question", "kind", "created_at"], name="community_post_thread"),
            models.Index(fields=["visibility", "created_at"], name="community_post_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class PostFile(models.Model):
    """A file attached to a post; its name is screened like the text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="community/%Y/%m/")
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("community file")
        verbose_name_plural = _("community files")

    def __str__(self) -> str:
        return self.file_name


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField()  # +1 or -1
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="community_one_vote"),
            models.CheckConstraint(
                condition=models.Q(value__in=[1, -1]), name="community_vote_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.value:+d}"


class PostReport(models.Model):
    """A member's report that a post is a scam, abuse or off topic."""

    class Reason(models.TextChoices):
        SCAM = "scam", _("Scam or impersonation")
        SECRET = "secret", _("Shares private information")
        ABUSE = "abuse", _("Abusive")
        SPAM = "spam", _("Spam or off topic")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="community_one_report")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.reason}"


class Subscription(models.Model):
    """A member who is told by email when a question gets an answer or an accepted one."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="subscriptions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "member"], name="community_one_subscription"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.question_id}"


class SearchDocument(models.Model):
    """What the search index holds for one published question (see search/).

    Terms are folded and segmented by kefu.core.search.analysis, the help center's
    analyzer, so 提币 finds 提现 here as there. The title's terms are kept apart so that
    a title match ranks first; `terms` holds the question's text and its official and
    accepted answers, which are what a searcher comes for.
    """

    question = models.OneToOneField(
        Question, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, choices=Language.choices)
    solved = models.BooleanField(default=False)
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return str(self.question_id)
