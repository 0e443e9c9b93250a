import pytest

from kefu.agents.models import Role
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from tests.conftest import verified_client


@pytest.mark.django_db
def test_supervisors_see_the_deflection_rate(agent_factory) -> None:
    for outcome in (RunOutcome.SOLVED, RunOutcome.SOLVED, RunOutcome.HANDOFF, RunOutcome.SOLVED):
        FlowRun.objects.create(intent="deposit_missing", language="en", step="x", outcome=outcome)
    client = verified_client(agent_factory(role=Role.SUPERVISOR))
    response = client.get("/console/help/deflection/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "75%" in html
    assert "/console/help/deflection/" in html  # the sidebar link


@pytest.mark.django_db
def test_other_agents_are_refused(agent_client) -> None:
    response = agent_client.get("/console/help/deflection/")
    assert response.status_code == 403
    assert "/console/help/deflection/" not in agent_client.get("/console/").content.decode()
