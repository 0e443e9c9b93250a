"""Template helpers for the console: time stamps, choices for the navigation, live strings."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from kefu.agents.models import Availability
from kefu.console.templatetags.kefu_sla import TARGET_NAMES
from kefu.core.languages import Language, to_django
from kefu.platform.connector import Reason
from kefu.platform.reasons import describe

register = template.Library()


@register.filter
def platform_reason(reason: Reason | None) -> str:
    """A connector's reason code in the reader's words."""
    return describe(reason)


@register.filter
def ago(value: datetime | None) -> str:
    """ "5 minutes ago": one unit is enough in a list; the exact time is in the tooltip."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.filter
def initials(name: str) -> str:
    """One character for an avatar: the first letter, or the first Han character."""
    name = (name or "").strip()
    return name[:1].upper() if name else "?"


@register.simple_tag
def availability_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Availability.choices]


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Language.choices]


@register.simple_tag
def interface_languages() -> list[tuple[str, str]]:
    """Django's language codes, each named in its own language (a reader finds theirs)."""
    return [(to_django(value), str(label)) for value, label in Language.choices]


@register.simple_tag
def live_strings() -> SafeString:
    """Texts live.js shows, translated here because the script has no catalogue."""
    return json_script(
        {
            "live": _("Live updates are on."),
            "reconnecting": _("Connection lost. Reconnecting…"),
            # {reference} is filled in by the script.
            "blocked": _("A reply in %(reference)s was blocked by the safety guard and reported.")
            % {"reference": "{reference}"},
            "exposed": _(
                "A customer in %(reference)s sent a secret. It was removed before anyone saw it."
            )
            % {"reference": "{reference}"},
            "open": _("View"),
            "dismiss": _("Dismiss"),
            # sla_alert events: {target} and {reference} are filled in by the script.
            "sla_warning": _("%(target)s in %(reference)s is due soon.")
            % {"target": "{target}", "reference": "{reference}"},
            "sla_breach": _("%(target)s in %(reference)s is overdue.")
            % {"target": "{target}", "reference": "{reference}"},
            "sla_targets": {value: str(label) for value, label in TARGET_NAMES.items()},
        },
        "kefu-live-strings",
    )
