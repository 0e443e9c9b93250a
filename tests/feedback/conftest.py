from collections.abc import Callable

import pytest

from kefu.agents.models import Agent, Role
from kefu.conversations.actions import change_status
from kefu.conversations.models import Conversation, Status
from kefu.feedback.models import Survey


@pytest.fixture
def supervisor(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(role=Role.SUPERVISOR)


@pytest.fixture
def resolve(supervisor: Agent) -> Callable[[Conversation], Survey]:
    """Resolve the conversation as an agent would and give the survey that resolution made."""

    def run(conversation: Conversation) -> Survey:
        change_status(conversation=conversation, actor=supervisor, status=Status.RESOLVED)
        return Survey.objects.filter(conversation=conversation).latest("resolved_at")

    return run


@pytest.fixture
def survey(
    conversation_factory: Callable[..., Conversation], resolve: Callable[[Conversation], Survey]
) -> Survey:
    return resolve(conversation_factory())
