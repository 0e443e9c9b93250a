"""Console test fixtures: English-speaking agents and browsers (so assertions can quote the
English texts), and a clean cache (sign-in throttling lives there)."""

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from kefu.agents.models import Agent, Role


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
