"""The agent's language and availability, from the navigation."""

from kefu.agents.models import Availability


def test_language_switch_changes_the_rendered_language(agent_client, agent):
    assert "All conversations" in agent_client.get("/console/").content.decode()
    response = agent_client.post(
        "/console/me/language/", {"language": "zh-Hant", "next": "/console/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    agent.refresh_from_db()
    assert agent.language == "zh-Hant"
    html = agent_client.get("/console/").content.decode()
    assert 'lang="zh-Hant"' in html
    assert "所有對話" in html  # "All conversations" in Traditional Chinese
    agent_client.post("/console/me/language/", {"language": "zh-Hans"})
    assert "所有对话" in agent_client.get("/console/").content.decode()


def test_unknown_language_changes_nothing(agent_client, agent):
    response = agent_client.post("/console/me/language/", {"language": "fr"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "en"


def test_language_switch_does_not_redirect_off_site(agent_client):
    response = agent_client.post(
        "/console/me/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/console/"


def test_availability_toggle(agent_client, agent):
    response = agent_client.post(
        "/console/me/availability/", {"availability": "away"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'id="availability"' in response.content.decode()
    agent.refresh_from_db()
    assert agent.availability == Availability.AWAY
    agent_client.post("/console/me/availability/", {"availability": "offline"})
    agent.refresh_from_db()
    assert agent.availability == Availability.OFFLINE


def test_unknown_availability_changes_nothing(agent_client, agent):
    agent_client.post("/console/me/availability/", {"availability": "busy"})
    agent.refresh_from_db()
    assert agent.availability == Availability.ONLINE
