"""SLA badges: which target, and the time left or overdue, in the reader's words."""

from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.conversations.models import Conversation
from kefu.sla.models import Clock
from kefu.sla.selectors import Badge, clock_badge, conversation_badge

register = template.Library()


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
    return _("%(target)s: %(status)s") % {"target": badge.target_label, "status": status}


@register.inclusion_tag("console/_sla_badge.html")
def sla_badge(conversation: Conversation) -> dict[str, Any]:
    """A conversation's next deadline, from its own columns: no query per row."""
    badge = conversation_badge(conversation)
    return {"badge": badge, "text": badge_text(badge) if badge else ""}


@register.inclusion_tag("console/_sla_badge.html")
def sla_clock_badge(clock: Clock) -> dict[str, Any]:
    badge = clock_badge(clock)
    return {"badge": badge, "text": badge_text(badge)}
