"""Which SLA policy applies to a conversation, and whether a policy can be kept at all."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from kefu.conversations.models import Conversation, Priority
from kefu.core.errors import PolicyRejected
from kefu.core.intents import Intent
from kefu.inboxes.models import Channel
from kefu.sla.models import SlaPolicy, Target

# The policy's minutes and business-time fields for each target.
TARGET_FIELDS: dict[str, tuple[str, str]] = {
    Target.FIRST_RESPONSE: ("first_response_minutes", "first_response_business"),
    Target.NEXT_RESPONSE: ("next_response_minutes", "next_response_business"),
    Target.PERIODIC_UPDATE: ("update_minutes", "update_business"),
    Target.RESOLUTION: ("resolution_minutes", "resolution_business"),
}


def minutes_for(policy: SlaPolicy, target: str) -> int | None:
    minutes: int | None = getattr(policy, TARGET_FIELDS[target][0])
    return minutes


def business_for(policy: SlaPolicy, target: str) -> bool:
    return bool(getattr(policy, TARGET_FIELDS[target][1]))


def active_policies() -> list[SlaPolicy]:
    """Every active policy in the order they are tried (one query)."""
    return list(SlaPolicy.objects.filter(active=True).order_by("position", "pk"))


def matches(policy: SlaPolicy, conversation: Conversation, tags: Callable[[], set[str]]) -> bool:
    """Whether every condition the policy sets holds; `tags` is only called when needed."""
    if policy.channels and conversation.channel not in policy.channels:
        return False
    if policy.inbox_id is not None and policy.inbox_id != conversation.inbox_id:
        return False
    if policy.priorities and conversation.priority not in policy.priorities:
        return False
    if policy.intents and conversation.intent not in policy.intents:
        return False
    if policy.team_id is not None and policy.team_id != conversation.team_id:
        return False
    return not policy.tags or bool(tags() & set(policy.tags))


def policy_for(
    conversation: Conversation, policies: list[SlaPolicy] | None = None
) -> SlaPolicy | None:
    """The first active policy (by position) that matches the conversation, or None.

    One query for the policies (none when the caller passes the list it read once for a
    whole request or sweep batch); the conversation's tags are read only if a policy
    that got that far asks for tags.
    """
    candidates = active_policies() if policies is None else policies
    cached: set[str] | None = None

    def tags() -> set[str]:
        nonlocal cached
        if cached is None:
            cached = set(conversation.tags.values_list("name", flat=True))
        return cached

    for policy in candidates:
        if matches(policy, conversation, tags):
            return policy
    return None


def _unknown(values: list[str], allowed: list[str]) -> list[str]:
    return [str(value) for value in values if value not in allowed]


def _check_lists(policy: SlaPolicy) -> None:
    for values, allowed, message in (
        (policy.channels, Channel.values, _("Unknown channel: %(values)s.")),
        (policy.priorities, Priority.values, _("Unknown priority: %(values)s.")),
        (policy.intents, Intent.values, _("Unknown topic: %(values)s.")),
    ):
        if not isinstance(values, list):
            raise PolicyRejected(_("The conditions must be lists of values."))
        unknown = _unknown(values, allowed)
        if unknown:
            raise PolicyRejected(message % {"values": ", ".join(unknown)})
    if not isinstance(policy.tags, list) or not all(
        isinstance(tag, str) and tag.strip() for tag in policy.tags
    ):
        raise PolicyRejected(_("Tags must be a list of tag names."))


def check(policy: SlaPolicy) -> None:
    """Refuse a policy no conversation could meet or that would never warn in time."""
    if not policy.name.strip():
        raise PolicyRejected(_("Give the policy a name."))
    _check_lists(policy)
    targets = {target: minutes_for(policy, target) for target in TARGET_FIELDS}
    given = {target: minutes for target, minutes in targets.items() if minutes is not None}
    if not given:
        raise PolicyRejected(
            _(
                "Set at least one target (first response, next response, "
                "status updates or resolution)."
            )
        )
    for target, minutes in given.items():
        if minutes <= 0:
            raise PolicyRejected(
                _("The target “%(target)s” must be at least one minute.")
                % {"target": Target(target).label}
            )
    smallest = min(given.values())
    if policy.warn_before_minutes >= smallest:
        raise PolicyRejected(
            _(
                "The warning (%(warn)s minutes before) must come after the clock starts: "
                "make it shorter than the smallest target (%(smallest)s minutes)."
            )
            % {"warn": policy.warn_before_minutes, "smallest": smallest}
        )
    resolution = given.get(Target.RESOLUTION)
    if Target.PERIODIC_UPDATE in given and resolution is None:
        raise PolicyRejected(
            _("Status updates are for cases that stay open: set a resolution target too.")
        )
    for target in (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE):
        if target in given and resolution is not None and given[target] > resolution:
            raise PolicyRejected(
                _("The target “%(target)s” cannot be longer than the resolution target.")
                % {"target": Target(target).label}
            )
