"""Reads about the configured inboxes that views need."""

from django.utils.functional import Promise

from kefu.inboxes.models import Channel, Inbox

StrOrPromise = str | Promise


def channels_with_inbox() -> list[tuple[str, StrOrPromise]]:
    """The channels at least one inbox (active or not) is on, as (value, label) choices.

    An inactive inbox still has its conversations, so its channel stays a filter.
    """
    used = set(Inbox.objects.values_list("channel", flat=True).distinct())
    return [(value, label) for value, label in Channel.choices if value in used]
