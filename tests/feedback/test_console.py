"""The console's survey pieces: the line in the details panel, resolving without a survey,
and the supervisors' switch per inbox."""

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.agents.models import Agent, Role
from kefu.conversations.models import Conversation, Status
from kefu.feedback import actions
from kefu.feedback.models import Survey, SurveyState
from kefu.inboxes.models import Inbox
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "Accept-Language": "en"}


@pytest.fixture
def supervisor_client(supervisor: Agent) -> Client:
    return verified_client(supervisor)


def test_the_details_panel_shows_each_resolutions_answer(
    supervisor_client: Client, survey: Survey
) -> None:
    actions.answer(survey=survey, rating=2, comment="等太久了", contacted_outside=True)
    response = supervisor_client.get(
        f"/console/c/{survey.conversation.reference}/details/", headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 of 5" in page
    assert "等太久了" in page
    assert "Contacted outside official channels" in page


def test_a_supervisor_resolves_without_survey(
    supervisor_client: Client, conversation_factory: Callable[..., Conversation]
) -> None:
    conversation = conversation_factory()
    response = supervisor_client.post(
        f"/console/c/{conversation.reference}/resolve-without-survey/", headers=HTMX
    )
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    survey = Survey.objects.get(conversation=conversation)
    assert (survey.state, survey.skip_reason) == (SurveyState.SKIPPED, "agent")
    assert "resolved without a survey" in response.content.decode()


def test_an_l1_agent_is_refused_and_nothing_changes(
    agent_factory: Callable[..., Agent], conversation_factory: Callable[..., Conversation]
) -> None:
    l1 = agent_factory(role=Role.L1, language="en")
    conversation = conversation_factory(assignee=l1)
    client = verified_client(l1)
    details = client.get(f"/console/c/{conversation.reference}/details/", headers=HTMX)
    assert "Resolve without survey" not in details.content.decode()
    response = client.post(
        f"/console/c/{conversation.reference}/resolve-without-survey/", headers=HTMX
    )
    assert response.status_code == 403
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert not Survey.objects.exists()


def test_supervisors_switch_surveys_per_inbox(supervisor_client: Client, inbox: Inbox) -> None:
    page = supervisor_client.get("/console/surveys/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert inbox.name in page.content.decode()
    response = supervisor_client.post("/console/surveys/", {"inbox": inbox.pk, "enabled": "0"})
    assert response.status_code == 302
    inbox.refresh_from_db()
    assert not actions.surveys_enabled(inbox)
    assert supervisor_client.post("/console/surveys/", {"inbox": "x"}).status_code == 404


def test_agents_cannot_reach_the_switch(agent_client: Client, inbox: Inbox) -> None:
    assert agent_client.get("/console/surveys/").status_code == 403
    assert agent_client.post("/console/surveys/", {"inbox": inbox.pk}).status_code == 403
    inbox.refresh_from_db()
    assert actions.surveys_enabled(inbox)
