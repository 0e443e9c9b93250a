"""Console test fixtures: English-speaking agents and browsers (so assertions can quote the
English texts), a clean cache, and a count of the passwords checked."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from kefu.agents.models import Agent, Role
from tests.console.counting_hasher import CountingHasher


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.L1, language="en")


@pytest.fixture
def client() -> Client:
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture
def password_checks(settings: Any) -> type[CountingHasher]:
    """How many passwords were checked against a stored hash from here on."""
    settings.PASSWORD_HASHERS = ["tests.console.counting_hasher.CountingHasher"]
    CountingHasher.count = 0
    return CountingHasher
