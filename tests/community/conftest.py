"""Members and agents for the community tests."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.agents.models import Agent, Role
from kefu.community import actions
from kefu.community.models import Member
from kefu.contacts.models import Contact


@pytest.fixture
def member_factory(
    contact_factory: Callable[..., Contact],
) -> Callable[..., Member]:
    counter = iter(range(1, 10_000))

    def make(name: str = "", trusted: bool = True, **fields: Any) -> Member:
        number = next(counter)
        contact = contact_factory(email=f"member{number}@example.com")
        member = actions.join(contact=contact, display_name=name or f"Member {number}")
        if trusted:
            member.approved_posts = 10
        for field, value in fields.items():
            setattr(member, field, value)
        member.save()
        return member

    return make


@pytest.fixture
def member(member_factory: Callable[..., Member]) -> Member:
    return member_factory("Alice")


@pytest.fixture
def moderator(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR, username="mod")
