"""The phone line admin: numbers in E.164, secrets write-only, prompts inline, health."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.agents.models import Agent, Role
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import PhoneLine, Prompt, WebhookHit
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TOKEN = "twilio-auth-S3cret-token"
URL = "/admin/phone/phoneline/"


@pytest.fixture
def admin_client(agent_factory: Callable[..., Agent]) -> Client:
    return verified_client(agent_factory(role=Role.ADMIN, is_superuser=True, language="en"))


def _form(inbox: Inbox, *prompts: dict[str, str], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "inbox": inbox.pk,
        "provider": "twilio",
        "number": "400 123 4567",
        "outbound_number": "",
        "account_sid": "AC123",
        "auth_token": TOKEN,
        "api_key_sid": "",
        "api_key_secret": "",
        "twiml_app_sid": "",
        "cti_token": "",
        "voicemail_enabled": "on",
        "callback_enabled": "on",
        "callback_max_attempts": 3,
        "callback_retry_minutes": 10,
        "ring_seconds": 20,
        "hold_music_url": "",
        "prompts-TOTAL_FORMS": len(prompts),
        "prompts-INITIAL_FORMS": 0,
        "prompts-MIN_NUM_FORMS": 0,
        "prompts-MAX_NUM_FORMS": 1000,
    }
    for i, prompt in enumerate(prompts):
        for key, value in prompt.items():
            data[f"prompts-{i}-{key}"] = value
    data.update(changes)
    return data


@pytest.fixture
def inbox(db: None) -> Inbox:
    return Inbox.objects.create(name="Hotline", channel=Channel.PHONE)


def test_a_line_is_saved_in_e164_with_its_prompts_and_the_token_never_shown(
    admin_client: Client, inbox: Inbox
):
    welcome = {"key": "welcome", "language": "en", "text": "Welcome to Kefu.", "audio_url": ""}
    added = admin_client.post(URL + "add/", _form(inbox, welcome))
    assert added.status_code == 302, added.content.decode()[:3000]
    line = PhoneLine.objects.get()
    assert line.number == "+864001234567"
    assert line.auth_token == TOKEN
    assert Prompt.objects.get(line=line).text == "Welcome to Kefu."
    page = admin_client.get(f"{URL}{line.pk}/change/").content.decode()
    assert TOKEN not in page
    # Left empty, the stored token is kept; a new one replaces it.
    kept = admin_client.post(f"{URL}{line.pk}/change/", _form(inbox, auth_token=""))
    assert kept.status_code == 302
    line.refresh_from_db()
    assert line.auth_token == TOKEN
    admin_client.post(f"{URL}{line.pk}/change/", _form(inbox, auth_token="another"))
    line.refresh_from_db()
    assert line.auth_token == "another"


def test_a_number_that_does_not_parse_is_refused(admin_client: Client, inbox: Inbox):
    response = admin_client.post(URL + "add/", _form(inbox, number="call us"))
    assert response.status_code == 200
    assert "is not a phone number" in response.content.decode()
    response = admin_client.post(URL + "add/", _form(inbox, outbound_number="12"))
    assert response.status_code == 200
    assert not PhoneLine.objects.exists()


def test_a_prompt_needs_a_text_or_a_recording(admin_client: Client, inbox: Inbox):
    empty = {"key": "welcome", "language": "en", "text": " ", "audio_url": ""}
    response = admin_client.post(URL + "add/", _form(inbox, empty))
    assert response.status_code == 200
    assert "Give a text to speak or a recording to play." in response.content.decode()
    assert not PhoneLine.objects.exists()


def test_the_health_section_shows_the_last_webhooks(admin_client: Client, inbox: Inbox):
    line = PhoneLine.objects.create(inbox=inbox, number="+864001234567")
    now = timezone.now()
    WebhookHit.objects.create(
        line=line, endpoint="voice", received_at=now - timedelta(minutes=5), status_code=200
    )
    WebhookHit.objects.create(
        line=line, endpoint="voice", received_at=now, status_code=403, error="bad signature"
    )
    page = admin_client.get(f"{URL}{line.pk}/change/").content.decode()
    assert "bad signature" in page
    ok = WebhookHit.objects.get(status_code=200).received_at
    assert f"{ok:%Y-%m-%d %H:%M:%S}" in page
    assert "/admin/routing/serviceschedule/" in page
