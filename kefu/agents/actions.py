"""Administration of agents and teams (admin role), and an agent's own availability."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu.agents.models import Agent, Availability, CallDevice, Role, Team
from kefu.agents.permissions import require_agent, require_role
from kefu.agents.selectors import presence_cutoff
from kefu.core import audit
from kefu.core.languages import Language
from kefu.core.phone_numbers import to_e164
from kefu.core.time_zones import is_choosable


def create_agent(
    *,
    actor: Agent,
    username: str,
    password: str,
    display_name: str,
    role: str = Role.L1,
    language: str = "",
    email: str = "",
) -> Agent:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        agent = Agent.objects.create_user(
            username=username,
            password=password,
            email=email,
            display_name=display_name,
            role=Role(role),
            language=language,
            is_staff=role == Role.ADMIN,
        )
        audit.record(actor, "agent.create", agent, role=role)
    return agent


def set_role(*, actor: Agent, agent: Agent, role: str) -> Agent:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        previous = agent.role
        agent.role = Role(role)
        # Django's admin site is for administrators only.
        agent.is_staff = agent.role == Role.ADMIN
        agent.save(update_fields=["role", "is_staff"])
        audit.record(actor, "agent.role", agent, old=previous, new=role)
    return agent


def create_team(*, actor: Agent, name: str, slug: str) -> Team:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=slug)
        audit.record(actor, "team.create", team)
    return team


def set_availability(*, agent: Agent, availability: str) -> Agent:
    """Online agents receive chats (going online pulls waiting ones); away and offline none."""
    from kefu.routing.actions import rebalance, take_waiting

    require_agent(agent)
    with transaction.atomic():
        agent.availability = Availability(availability)
        agent.save(update_fields=["availability"])
        if agent.availability == Availability.ONLINE:
            take_waiting(agent)
        else:
            # Chats they already hold stay with them; only new ones stop coming.
            rebalance()
    return agent


def mark_present(*, agent: Agent, now: datetime | None = None) -> bool:
    """The agent's console is connected: a heartbeat that keeps them counted as online.

    Returns whether they have just arrived (no recent heartbeat). An agent who chose
    online and arrives takes waiting chats at once, exactly as on switching to online:
    until then they were not really there, so nothing was given to them.
    """
    from kefu.routing.actions import take_waiting

    now = now or timezone.now()
    with transaction.atomic():
        mine = Agent.objects.filter(pk=agent.pk)
        # Conditional, so of two tabs connecting at once only one counts as the arrival.
        arrived = bool(
            mine.exclude(last_seen_at__gte=presence_cutoff(now)).update(last_seen_at=now)
        )
        if not arrived:
            mine.update(last_seen_at=now)
        agent.last_seen_at = now
        if arrived:
            take_waiting(agent)
    return arrived


def set_language(*, agent: Agent, language: str) -> Agent:
    require_agent(agent)
    agent.language = Language(language)
    agent.save(update_fields=["language"])
    return agent


def set_preferences(*, agent: Agent, language: str, timezone: str) -> Agent:
    """The agent's own language and time zone; a blank one follows the browser."""
    require_agent(agent)
    if language and language not in Language.values:
        raise ValueError(f"unknown language {language!r}")
    if timezone and not is_choosable(timezone):
        raise ValueError(f"unknown time zone {timezone!r}")
    agent.language = language
    agent.timezone = timezone
    agent.save(update_fields=["language", "timezone"])
    return agent


def set_call_device(*, agent: Agent, answers_calls: str, phone_number: str) -> Agent:
    """Where the agent answers hotline calls; their phone number is stored in E.164.

    Raises InvalidPhoneNumber for a number that does not parse.
    """
    require_agent(agent)
    if answers_calls not in CallDevice.values:
        raise ValueError(f"unknown call device {answers_calls!r}")
    number = to_e164(phone_number) if phone_number.strip() else ""
    if answers_calls == CallDevice.PHONE and not number:
        raise ValueError("calls cannot ring on a phone without its number")
    agent.answers_calls = answers_calls
    agent.phone_number = number
    agent.save(update_fields=["answers_calls", "phone_number"])
    return agent
