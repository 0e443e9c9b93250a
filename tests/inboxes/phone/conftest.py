"""A hotline with a Twilio account, and the local server that stands in for Twilio's API."""

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from kefu.agents.models import Team
from kefu.core.public_address import absolute_url
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import PhoneLine
from tests.inboxes.phone.twilio_server import TwilioServer, serve

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "12345678901234567890123456789012"
HOTLINE = "+864001234567"
CALLER = "+8613800138000"


def security_team() -> Team:
    """The team a stolen-account call goes to (routing's TEAM_FOR_INTENT)."""
    return Team.objects.get_or_create(slug="security", defaults={"name": "Security"})[0]


def parse_twiml(response: Any) -> ET.Element:
    """A webhook's answer as Twilio reads it: 200, XML, a <Response> root."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    return root


@pytest.fixture
def phone_line(db: None) -> PhoneLine:
    inbox = Inbox.objects.create(name="Hotline", channel=Channel.PHONE)
    return PhoneLine.objects.create(
        inbox=inbox, number=HOTLINE, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN
    )


@pytest.fixture
def twilio_server(settings: Any) -> Iterator[TwilioServer]:
    for server in serve(ACCOUNT_SID, AUTH_TOKEN):
        settings.KEFU_TWILIO_API_URL = server.url
        yield server


def twilio_signature(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio computes for a POST to `url`."""
    return str(RequestValidator(token).compute_signature(url, params))


@pytest.fixture
def twilio_post(client: Client) -> Callable[..., "_MonkeyPatchedWSGIResponse"]:
    """POST `params` to `path` as Twilio does: signed for the public address."""

    def post(
        path: str, params: dict[str, str], *, signature: str | None = None, **headers: str
    ) -> "_MonkeyPatchedWSGIResponse":
        """`headers` in the test client's form: HTTP_I_TWILIO_IDEMPOTENCY_TOKEN="…"."""
        url = absolute_url(path)
        if signature is None:
            signature = twilio_signature(url, params)
        extra: dict[str, Any] = dict(headers)
        if signature:
            extra["HTTP_X_TWILIO_SIGNATURE"] = signature
        return client.post(path, params, **extra)

    return post
