"""The hard lock: a conversation whose customer exposed a secret is its assignee's alone."""

from collections.abc import Callable, Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kefu.agents.models import Agent, Role
from kefu.conversations import actions, holds
from kefu.conversations.models import Conversation, Status
from kefu.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The refusals are matched by their English text; the project's default is zh-Hans.
    with translation.override("en"):
        yield


@pytest.fixture
def owner(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(username="owner")


@pytest.fixture
def other(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(username="other")


@pytest.fixture
def supervisor(agent_factory: Callable[..., Agent]) -> Agent:
    return agent_factory(username="lead", role=Role.SUPERVISOR)


@pytest.fixture
def exposed(conversation_factory: Callable[..., Conversation], owner: Agent) -> Conversation:
    conversation = conversation_factory(assignee=owner)
    actions.handle_exposure(conversation, frozenset({"mnemonic"}))
    return conversation


def test_exposing_a_secret_locks_the_conversation_for_its_assignee(
    exposed: Conversation, owner: Agent
) -> None:
    assert holds.secret_lock_owner(exposed) == owner.pk


def test_without_an_assignee_there_is_no_lock_until_someone_takes_it(
    conversation_factory: Callable[..., Conversation], owner: Agent, other: Agent
) -> None:
    conversation = conversation_factory()
    actions.handle_exposure(conversation, frozenset({"mnemonic"}))
    assert holds.secret_lock_owner(conversation) is None
    actions.assign(conversation=conversation, actor=owner, assignee=owner)
    assert holds.secret_lock_owner(conversation) == owner.pk
    with pytest.raises(PermissionDenied, match="locked by its owner"):
        actions.assign(conversation=conversation, actor=other, assignee=other)


def test_another_agent_cannot_reply_change_status_or_assign(
    exposed: Conversation, other: Agent
) -> None:
    with pytest.raises(PermissionDenied, match="exposed a secret"):
        actions.send_reply(conversation=exposed, agent=other, text="您好")
    with pytest.raises(PermissionDenied):
        actions.change_status(conversation=exposed, actor=other, status=Status.RESOLVED)
    with pytest.raises(PermissionDenied):
        actions.assign(conversation=exposed, actor=other, assignee=other)
    assert exposed.messages.filter(author_agent=other).count() == 0


def test_the_owner_still_works_on_it(exposed: Conversation, owner: Agent) -> None:
    actions.send_reply(conversation=exposed, agent=owner, text="我们已冻结您的账户，请更换新钱包。")
    actions.add_note(conversation=exposed, agent=owner, text="checked")
    actions.change_status(conversation=exposed, actor=owner, status=Status.PENDING)


def test_a_supervisor_takes_it_over_and_the_move_is_audited(
    exposed: Conversation, owner: Agent, other: Agent, supervisor: Agent
) -> None:
    actions.assign(conversation=exposed, actor=supervisor, assignee=supervisor)
    assert holds.secret_lock_owner(exposed) == supervisor.pk
    entry = AuditEntry.objects.get(action="conversation.secret_lock")
    assert entry.actor_id == supervisor.pk
    assert entry.data == {"previous": owner.pk, "owner": supervisor.pk}
    with pytest.raises(PermissionDenied):
        actions.send_reply(conversation=exposed, agent=owner, text="您好")


def test_a_supervisor_reassigning_moves_the_lock(
    exposed: Conversation, other: Agent, supervisor: Agent
) -> None:
    actions.assign(conversation=exposed, actor=supervisor, assignee=other)
    assert holds.secret_lock_owner(exposed) == other.pk
    actions.send_reply(conversation=exposed, agent=other, text="您好")


def test_a_verification_hold_still_binds_a_supervisor(
    exposed: Conversation, owner: Agent, supervisor: Agent
) -> None:
    holds.hold(exposed, [owner], key="verification:V-000001")
    with pytest.raises(PermissionDenied, match="identity verification"):
        actions.assign(conversation=exposed, actor=supervisor, assignee=supervisor)


def test_resolving_releases_the_lock_and_a_customer_reply_brings_it_back(
    exposed: Conversation, owner: Agent, other: Agent
) -> None:
    actions.send_reply(
        conversation=exposed, agent=owner, text="已处理", then_status=Status.RESOLVED
    )
    assert holds.secret_lock_owner(exposed) is None
    exposed.refresh_from_db()
    exposed.status = Status.OPEN
    holds.sync_secret_lock(exposed)
    assert holds.secret_lock_owner(exposed) == owner.pk


def test_a_status_change_to_resolved_releases_the_lock_for_everyone(
    exposed: Conversation, owner: Agent, other: Agent
) -> None:
    actions.change_status(conversation=exposed, actor=owner, status=Status.RESOLVED)
    assert holds.secret_lock_owner(exposed) is None
    actions.change_status(conversation=exposed, actor=other, status=Status.CLOSED)
