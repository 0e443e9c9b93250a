"""SLA badges: which target, and the time left or overdue, in the reader's words."""

from datetime import timedelta
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from kefu.conversations.models import Conversation
from kefu.sla.models import Clock, EventKind, Target
from kefu.sla.selectors import Badge, clock_badge, conversation_badge

register = template.Library()

# The console's own words for the SLA vocabulary, kept in its catalogue with its pages.
TARGET_NAMES: dict[str, Promise] = {
    Target.FIRST_RESPONSE: pgettext_lazy("SLA target", "First response"),
    Target.NEXT_RESPONSE: pgettext_lazy("SLA target", "Next response"),
    Target.PERIODIC_UPDATE: pgettext_lazy("SLA target", "Status update"),
    Target.RESOLUTION: pgettext_lazy("SLA target", "Resolution"),
}
EVENT_NAMES: dict[str, Promise] = {
    EventKind.STARTED: pgettext_lazy("SLA event", "started"),
    EventKind.PAUSED: pgettext_lazy("SLA event", "paused"),
    EventKind.RESUMED: pgettext_lazy("SLA event", "resumed"),
    EventKind.FULFILLED: pgettext_lazy("SLA event", "met"),
    EventKind.WARNED: pgettext_lazy("SLA event", "warning sent"),
    EventKind.BREACHED: pgettext_lazy("SLA event", "breached"),
    EventKind.STOPPED: pgettext_lazy("SLA event", "stopped"),
}


@register.filter
def sla_target(value: str) -> str:
    return str(TARGET_NAMES.get(value, value))


@register.filter
def sla_event(value: str) -> str:
    return str(EVENT_NAMES.get(value, value))


def short_duration(delta: timedelta) -> str:
    """One unit, like the inbox's "5 minutes ago": minutes under an hour, hours under two
    days, then days. Never "0 min": a deadline in 20 seconds is still "1 min"."""
    minutes = max(1, int(delta.total_seconds() // 60))
    if minutes < 60:
        return ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def badge_text(badge: Badge) -> str:
    if badge.state == "breached":
        return _("SLA breached")
    if badge.state == "running" and badge.delta is not None:
        status = _("%(time)s left") % {"time": short_duration(badge.delta)}
    elif badge.state == "overdue" and badge.delta is not None:
        status = _("overdue %(time)s") % {"time": short_duration(badge.delta)}
    elif badge.state == "paused":
        status = _("paused")
    elif badge.state == "met":
        status = _("met")
    else:
        status = _("stopped")
    return _("%(target)s: %(status)s") % {"target": sla_target(badge.target), "status": status}


@register.inclusion_tag("console/_sla_badge.html")
def sla_badge(conversation: Conversation) -> dict[str, Any]:
    """A conversation's next deadline, from its own columns: no query per row."""
    badge = conversation_badge(conversation)
    return {"badge": badge, "text": badge_text(badge) if badge else ""}


@register.inclusion_tag("console/_sla_badge.html")
def sla_clock_badge(clock: Clock) -> dict[str, Any]:
    badge = clock_badge(clock)
    return {"badge": badge, "text": badge_text(badge)}
