"""A hotline with a Twilio account, and the local server that stands in for Twilio's API."""

from collections.abc import Iterator
from typing import Any

import pytest

from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import PhoneLine
from tests.inboxes.phone.twilio_server import TwilioServer, serve

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "12345678901234567890123456789012"
HOTLINE = "+864001234567"


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
