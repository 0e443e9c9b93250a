from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from kefu.agents import actions
from kefu.agents.models import Agent, Availability, Role
from kefu.api.actions import create_token
from kefu.conversations.models import Conversation
from kefu.inboxes.models import Channel, Inbox


@pytest.mark.django_db
class TestAdministration:
    @pytest.mark.parametrize("role", [Role.L1, Role.L2, Role.SUPERVISOR])
    def test_only_an_admin_manages_agents_teams_and_tokens(
        self, role: Role, agent_factory: Callable[..., Agent], inbox: Inbox
    ) -> None:
        actor = agent_factory(role=role)
        with pytest.raises(PermissionDenied):
            actions.create_agent(actor=actor, username="x", password="pw-123456", display_name="X")
        with pytest.raises(PermissionDenied):
            actions.set_role(actor=actor, agent=actor, role=Role.ADMIN)
        with pytest.raises(PermissionDenied):
            actions.create_team(actor=actor, name="T", slug="t")
        with pytest.raises(PermissionDenied):
            create_token(actor=actor, name="crm", inbox=inbox, acts_as=actor)
        actor.refresh_from_db()
        assert actor.role == role
        assert Agent.objects.count() == 1

    def test_an_admin_creates_an_agent_and_grants_admin_site_access_with_the_role(
        self, agent_factory: Callable[..., Agent]
    ) -> None:
        admin = agent_factory(role=Role.ADMIN)
        agent = actions.create_agent(
            actor=admin, username="li.na", password="pw-123456", display_name="李娜"
        )
        assert not agent.is_staff
        assert agent.public_id.startswith("KF-")
        actions.set_role(actor=admin, agent=agent, role=Role.ADMIN)
        assert agent.is_staff

    def test_a_disabled_agent_can_do_nothing(self, agent_factory: Callable[..., Agent]) -> None:
        agent = agent_factory(is_active=False)
        with pytest.raises(PermissionDenied):
            actions.set_availability(agent=agent, availability="online")


@pytest.mark.django_db
def test_the_admin_site_needs_the_second_factor(agent_factory: Callable[..., Agent]) -> None:
    from django.test import Client

    from tests.conftest import verified_client

    admin = agent_factory(role=Role.ADMIN, is_superuser=True)
    password_only = Client()
    password_only.force_login(admin)
    assert password_only.get("/admin/").status_code == 302
    assert verified_client(admin).get("/admin/").status_code == 200


@pytest.mark.django_db
class TestPresence:
    """Only an agent with an open console takes chats: the console's heartbeat is the proof."""

    @pytest.fixture
    def manual_chat(
        self, conversation_factory: Callable[..., Conversation]
    ) -> Callable[..., Conversation]:
        # An inbox that does not assign: arriving or going online pulls its chats anyway.
        inbox = Inbox.objects.create(name="Chat", channel=Channel.WEBCHAT)

        def make(**fields: Any) -> Conversation:
            return conversation_factory(inbox=inbox, channel=Channel.WEBCHAT, **fields)

        return make

    def test_an_online_agent_who_opens_the_console_takes_the_waiting_chats(
        self, agent_factory: Callable[..., Agent], manual_chat: Callable[..., Conversation]
    ) -> None:
        agent = agent_factory(last_seen_at=None, max_concurrent=2)
        first, second, third = manual_chat(), manual_chat(), manual_chat()
        assert actions.mark_present(agent=agent)
        assignees = Conversation.objects.filter(pk__in=[first.pk, second.pk, third.pk])
        assert dict(assignees.values_list("pk", "assignee")) == {
            first.pk: agent.pk,
            second.pk: agent.pk,
            third.pk: None,
        }

    def test_a_heartbeat_of_an_agent_already_there_is_no_arrival(
        self, agent_factory: Callable[..., Agent], manual_chat: Callable[..., Conversation]
    ) -> None:
        agent = agent_factory()  # console open a moment ago
        waiting = manual_chat()
        before = agent.last_seen_at
        assert not actions.mark_present(agent=agent)
        agent.refresh_from_db()
        assert before is not None
        assert agent.last_seen_at is not None
        assert agent.last_seen_at > before
        waiting.refresh_from_db()
        assert waiting.assignee is None  # the inbox leaves chats to be taken

    def test_an_away_agent_who_opens_the_console_takes_nothing(
        self, agent_factory: Callable[..., Agent], manual_chat: Callable[..., Conversation]
    ) -> None:
        agent = agent_factory(last_seen_at=None, availability=Availability.AWAY)
        waiting = manual_chat()
        assert actions.mark_present(agent=agent)
        waiting.refresh_from_db()
        assert waiting.assignee is None

    def test_going_online_takes_waiting_chats_whatever_the_inbox_setting(
        self, agent_factory: Callable[..., Agent], manual_chat: Callable[..., Conversation]
    ) -> None:
        agent = agent_factory(availability=Availability.OFFLINE)
        waiting = manual_chat()
        actions.set_availability(agent=agent, availability=Availability.ONLINE)
        waiting.refresh_from_db()
        assert waiting.assignee == agent

    def test_going_online_without_an_open_console_takes_nothing(
        self, agent_factory: Callable[..., Agent], manual_chat: Callable[..., Conversation]
    ) -> None:
        agent = agent_factory(availability=Availability.OFFLINE, last_seen_at=None)
        waiting = manual_chat()
        actions.set_availability(agent=agent, availability=Availability.ONLINE)
        waiting.refresh_from_db()
        assert waiting.assignee is None


@pytest.mark.django_db
def test_preferences_refuse_an_unknown_zone_or_language_and_keep_the_old_ones(
    agent_factory: Callable[..., Agent],
) -> None:
    agent = agent_factory(language="en", timezone="Europe/Paris")
    with pytest.raises(ValueError, match="time zone"):
        actions.set_preferences(agent=agent, language="zh-Hant", timezone="Asia/Nowhere")
    with pytest.raises(ValueError, match="language"):
        actions.set_preferences(agent=agent, language="fr", timezone="Asia/Taipei")
    agent.refresh_from_db()
    assert (agent.language, agent.timezone) == ("en", "Europe/Paris")
    actions.set_preferences(agent=agent, language="", timezone="Asia/Taipei")
    agent.refresh_from_db()
    assert (agent.language, agent.timezone) == ("", "Asia/Taipei")


@pytest.mark.django_db
def test_a_new_agent_has_chosen_neither_language_nor_zone(
    agent_factory: Callable[..., Agent],
) -> None:
    admin = agent_factory(role=Role.ADMIN)
    agent = actions.create_agent(
        actor=admin, username="new", password="pw-123456", display_name="N"
    )
    assert (agent.language, agent.timezone) == ("", "")
