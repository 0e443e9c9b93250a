"""The agent's language and availability, from the navigation."""

from datetime import UTC, datetime

from kefu.agents.models import Availability
from kefu.conversations.models import Conversation
from tests.conftest import verified_client


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


def noon_utc(conversation: Conversation) -> None:
    conversation.last_message_at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    conversation.save(update_fields=["last_message_at"])


def test_preferences_page_offers_the_zone_list_and_saves_both_choices(agent_client, agent):
    page = agent_client.get("/console/me/").content.decode()
    assert '<option value="Asia/Taipei">' in page
    assert '<option value="America/New_York">' in page
    response = agent_client.post("/console/me/", {"language": "zh-Hant", "timezone": "Asia/Taipei"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.language, agent.timezone) == ("zh-Hant", "Asia/Taipei")
    page = agent_client.get("/console/me/").content.decode()
    assert "偏好設定" in page  # "Preferences" in Traditional Chinese
    assert "Asia/Taipei" in page.split("</h1>")[1].split("</header>")[0]


def test_console_times_follow_the_agents_zone_over_the_browsers(agent, conversation_factory):
    noon_utc(conversation_factory())
    agent.timezone = "America/New_York"
    agent.save()
    client = verified_client(agent)
    client.cookies["kefu_tz"] = "Asia/Tokyo"
    inbox = client.get("/console/").content.decode()
    assert "07:00" in inbox  # 12:00 UTC in New York (EST)
    assert "21:00" not in inbox  # not Tokyo's


def test_blank_preferences_follow_the_browser(agent, conversation_factory):
    noon_utc(conversation_factory())
    agent.language = ""
    agent.timezone = ""
    agent.save()
    client = verified_client(agent)
    client.cookies["kefu_tz"] = "Asia/Tokyo"
    inbox = client.get("/console/", headers={"Accept-Language": "zh-Hant"}).content.decode()
    assert "所有對話" in inbox
    assert "21:00" in inbox
    assert "data-tz-reload" in inbox  # redrawn once if the browser's zone changes


def test_chosen_language_wins_over_the_browser(agent_client):
    inbox = agent_client.get("/console/", headers={"Accept-Language": "zh-Hant"})
    assert "All conversations" in inbox.content.decode()


def test_an_unknown_time_zone_is_refused_and_nothing_changes(agent_client, agent):
    agent.timezone = "Europe/Paris"
    agent.save()
    response = agent_client.post("/console/me/", {"language": "en", "timezone": "Mars/Olympus"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "“Mars/Olympus” is not a time zone." in page
    assert 'value="Mars/Olympus"' in page  # what was typed stays in the field
    agent.refresh_from_db()
    assert agent.timezone == "Europe/Paris"


def test_emptying_both_choices_returns_to_the_browser(agent_client, agent):
    agent_client.post("/console/me/", {"language": "", "timezone": ""})
    agent.refresh_from_db()
    assert (agent.language, agent.timezone) == ("", "")
