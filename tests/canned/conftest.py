"""Canned-reply fixtures: a supervisor, teams, and a way to write a reply's input."""

from collections.abc import Callable
from typing import Any

import pytest

from kefu.agents.models import Agent, Role, Team
from kefu.canned.actions import CannedInput
from kefu.canned.models import Scope
from kefu.core.languages import Language


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def supervisor(agent_factory: Callable[..., Agent], team: Team) -> Agent:
    supervisor = agent_factory(role=Role.SUPERVISOR)
    supervisor.teams.add(team)
    return supervisor


def reply_input(
    *,
    zh_hans: str = "",
    zh_hant: str = "",
    en: str = "",
    scope: str = Scope.PERSONAL,
    shortcut: str = "withdrawal-48h",
    title: str = "Withdrawal pending",
    **fields: Any,
) -> CannedInput:
    bodies = {Language.ZH_HANS: zh_hans, Language.ZH_HANT: zh_hant, Language.EN: en}
    if not any(bodies.values()):
        bodies[Language.EN] = "Your withdrawal {{ticket}} is pending; expect it within 48 hours."
    return CannedInput(title=title, shortcut=shortcut, scope=scope, bodies=bodies, **fields)
