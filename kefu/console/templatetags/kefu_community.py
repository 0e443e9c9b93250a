"""Template helpers for the console's community pages."""

from django import template

from kefu.community.models import HoldReason

register = template.Library()


@register.filter
def hold_reason_labels(codes: list[str]) -> list[str]:
    """A held post's reasons as the moderator reads them (unknown codes as written)."""
    labels = dict(HoldReason.choices)
    return [str(labels.get(code, code)) for code in codes or ()]


@register.filter
def get_comments(comments: dict[int, list[object]], post_id: int) -> list[object]:
    """The comments under one post (templates cannot index a dict by a variable)."""
    return comments.get(post_id, [])
