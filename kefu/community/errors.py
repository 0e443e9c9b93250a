"""Refusals of the community actions: a stable code for the API, a translated message.

Each is raised before anything is written, so a refused post leaves no row behind.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kefu.core.errors import KefuError

# Limits people meet; the messages quote them.
MAX_BODY_CHARS = 20_000
MAX_TITLE_CHARS = 200
MIN_NAME_CHARS = 2
MAX_NAME_CHARS = 40


class CommunityError(KefuError):
    code = "community_error"
    status = 400


class EmptyPost(CommunityError):
    code = "empty_post"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("Write something before posting."))


class PostTooLong(CommunityError):
    code = "post_too_long"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            _("The post is too long (at most %(limit)s characters).") % {"limit": MAX_BODY_CHARS}
        )


class TitleRequired(CommunityError):
    code = "title_required"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("A question needs a title."))


class TitleTooLong(CommunityError):
    code = "title_too_long"
    status = 422

    def __init__(self) -> None:
        super().__init__(
            _("The title is too long (at most %(limit)s characters).") % {"limit": MAX_TITLE_CHARS}
        )


class NameTaken(CommunityError):
    code = "name_taken"
    status = 409

    def __init__(self) -> None:
        super().__init__(_("This display name is already taken. Please choose another."))


class NameInvalid(CommunityError):
    code = "name_invalid"
    status = 422


def name_length() -> NameInvalid:
    return NameInvalid(
        _("A display name has %(low)s to %(high)s characters.")
        % {"low": MIN_NAME_CHARS, "high": MAX_NAME_CHARS}
    )


def name_reserved() -> NameInvalid:
    return NameInvalid(
        _(
            "Display names cannot look like staff (support, official, admin): only staff "
            "answers carry the official badge."
        )
    )


def name_secret() -> NameInvalid:
    return NameInvalid(
        _("This display name looks like a password, key or recovery phrase. Choose another.")
    )


class Banned(CommunityError):
    code = "banned"
    status = 403

    def __init__(self, until: datetime) -> None:
        shown = formats.date_format(timezone.localtime(until), "DATETIME_FORMAT")
        super().__init__(
            _("You cannot post, vote or report in the community until %(until)s.")
            % {"until": shown},
            until=until.isoformat(),
        )


class RateLimited(CommunityError):
    code = "rate_limited"
    status = 429

    def __init__(self) -> None:
        super().__init__(_("You are doing that too often. Please wait a few minutes."))


class Locked(CommunityError):
    code = "locked"
    status = 409

    def __init__(self) -> None:
        super().__init__(_("This question is locked: it takes no new answers or comments."))


class Merged(CommunityError):
    code = "merged"
    status = 409

    def __init__(self) -> None:
        super().__init__(_("This question was merged into another one. Please continue there."))


class NotAuthor(CommunityError):
    code = "not_author"
    status = 403


def not_author_edit() -> NotAuthor:
    return NotAuthor(_("Only the author can edit this post."))


def not_author_accept() -> NotAuthor:
    return NotAuthor(_("Only the person who asked can accept an answer."))


class NotAnAnswer(CommunityError):
    code = "not_an_answer"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("Only a published answer to this question can be accepted."))


class OwnPostVote(CommunityError):
    code = "own_post_vote"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("You cannot vote on your own post."))


class InvalidVote(CommunityError):
    code = "invalid_vote"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("A vote is up, down, or withdrawn."))


class NotPublished(CommunityError):
    code = "not_published"
    status = 409

    def __init__(self) -> None:
        super().__init__(_("This post is not published."))


class NotMember(CommunityError):
    code = "not_member"
    status = 403

    def __init__(self) -> None:
        super().__init__(_("Join the community with a display name first."))


class AlreadyReported(CommunityError):
    code = "already_reported"
    status = 409

    def __init__(self) -> None:
        super().__init__(_("You already reported this post. Moderators will look at it."))


class InvalidReason(CommunityError):
    code = "invalid_reason"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("Choose a reason for the report."))


class InvalidMove(CommunityError):
    code = "invalid_move"
    status = 422


class FileRejected(CommunityError):
    code = "file_rejected"
    status = 415


def file_not_image(name: str) -> FileRejected:
    return FileRejected(
        _("%(name)s is not an image. Only PNG, JPEG, GIF and WebP images can be attached.")
        % {"name": name}
    )


def too_many_files(limit: int) -> FileRejected:
    return FileRejected(_("At most %(limit)s images per post.") % {"limit": limit})


# --- Support (post → ticket, ticket → answer and article) -----------------------------


class StaffQuestion(CommunityError):
    code = "staff_question"
    status = 422

    def __init__(self) -> None:
        super().__init__(_("A question asked by staff has no customer to open a ticket for."))


class NotWithSupport(CommunityError):
    code = "not_with_support"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            _(
                "This question was not taken to support, so there is no conversation to "
                "publish from."
            )
        )


class NotSolved(CommunityError):
    code = "not_solved"
    status = 409

    def __init__(self) -> None:
        super().__init__(
            _("Only a solved question (with an official or accepted answer) can become an article.")
        )
