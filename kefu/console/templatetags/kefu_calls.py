"""Template helpers for the phone hotline in the console: timeline lines and the to-do badge."""

from django import template
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, CallDevice, Role
from kefu.core.intents import Intent
from kefu.core.phone_numbers import display
from kefu.inboxes.phone.caller_log_queries import to_do_count
from kefu.inboxes.phone.models import CallEvent, CallEventKind, WrapUpOutcome

register = template.Library()


def _label(choices: type[Intent] | type[WrapUpOutcome], value: object) -> str:
    return str(choices(value).label) if value in choices.values else ""


@register.filter
def call_event_text(event: CallEvent) -> str:
    """One line of a call's timeline: what happened, who did it, for how long."""
    detail = event.detail or {}
    who = event.agent.display_name or event.agent.username if event.agent is not None else ""
    if event.kind == CallEventKind.WRAPPED_UP:
        return _("Wrapped up by %(agent)s: %(topic)s, %(outcome)s") % {
            "agent": who,
            "topic": _label(Intent, detail.get("intent")),
            "outcome": _label(WrapUpOutcome, detail.get("outcome")),
        }
    if event.kind not in CallEventKind.values:
        return event.kind
    text = str(CallEventKind(event.kind).label)
    if event.kind == CallEventKind.TOPIC and detail.get("intent") in Intent.values:
        text += ": " + _label(Intent, detail["intent"])
    if who:
        text = _("%(what)s by %(agent)s") % {"what": text, "agent": who}
    if event.kind in (CallEventKind.ENDED, CallEventKind.MISSED) and detail.get("duration"):
        text += " · " + _("%(seconds)s s") % {"seconds": detail["duration"]}
    return text


@register.filter
def phone_display(e164: str) -> str:
    """+8613800138000 as people read it: +86 138 0013 8000."""
    return display(e164)


@register.simple_tag
def missed_calls(agent: Agent) -> int:
    """Callers not reached yet, for the navigation's badge of those who work the line.

    Agents off the phone line are not nagged with it (and their pages skip the count).
    """
    if agent.answers_calls == CallDevice.NONE and not agent.has_role(Role.SUPERVISOR):
        return 0
    return to_do_count()
