"""API fixtures: an API inbox, a token acting as an L1 agent, and a client that sends it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.api.actions import create_token
from kefu.api.models import ApiToken
from kefu.inboxes.models import Channel, Inbox


@pytest.fixture
def api_inbox(db: None) -> Inbox:
    return Inbox.objects.create(name="Exchange app", channel=Channel.API)


@pytest.fixture
def admin(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.ADMIN)


@pytest.fixture
def token_for(admin: Agent, api_inbox: Inbox) -> Callable[..., tuple[ApiToken, str]]:
    def make(acts_as: Agent, inbox: Inbox | None = None) -> tuple[ApiToken, str]:
        return create_token(actor=admin, name="app", inbox=inbox or api_inbox, acts_as=acts_as)

    return make


def bearer_client(key: str, **headers: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en", **headers)


@pytest.fixture
def api_token(token_for: Callable[..., tuple[ApiToken, str]], agent: Agent) -> tuple[ApiToken, str]:
    """A token acting as the L1 `agent` fixture."""
    return token_for(agent)


@pytest.fixture
def api_client(api_token: tuple[ApiToken, str]) -> Client:
    return bearer_client(api_token[1])
