"""The Twilio REST client of a phone line, pointed at KEFU_TWILIO_API_URL.

Every REST call Kefu makes to Twilio (dialling a callback, moving a queued caller to an
agent, downloading a recording) goes through `client_for`, so that the address, the
credentials and the timeout are set in one place, and tests reach a local server that
checks the requests instead of Twilio.
"""

from urllib.parse import urlsplit

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from kefu.inboxes.phone.models import PhoneLine

# Seconds before a REST call to Twilio gives up: a job retries, a request must not hang.
TIMEOUT = 10


def client_for(line: PhoneLine) -> Client:
    client = Client(
        line.account_sid, line.auth_token, http_client=TwilioHttpClient(timeout=TIMEOUT)
    )
    client.api.base_url = settings.KEFU_TWILIO_API_URL.rstrip("/")
    return client


def api_url(path: str) -> str:
    """`path` (starting with "/2010-04-01/…") on the configured API address.

    A webhook names media by a full URL; Kefu takes only the path's identifiers from it
    and builds the address itself, so a forged URL cannot make the server fetch anything
    but Twilio's API.
    """
    if not path.startswith("/"):
        raise ValueError(f"api_url() takes a path, not {path!r}")
    return settings.KEFU_TWILIO_API_URL.rstrip("/") + urlsplit(path).path
