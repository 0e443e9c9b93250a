"""The browser phone: which agents' consoles load it, and the Twilio hosts it may reach."""

from django.http.response import HttpResponseBase

from kefu.agents.models import Agent, CallDevice
from kefu.core.content_policy import Policy, allow_sources
from kefu.inboxes.phone.models import PhoneLine, Provider

# The Voice SDK signals over wss to Twilio's regional hosts, reports call quality over
# https, and plays its ringtones from the SDK's host (the call's audio itself is WebRTC).
TWILIO_SOURCES: Policy = {
    "connect-src": ("https://*.twilio.com", "wss://*.twilio.com"),
    "media-src": ("https://sdk.twilio.com",),
}


def answers_in_browser(agent: Agent) -> bool:
    """The agent takes calls in the console, and there is a Twilio line to take them from."""
    return (
        agent.answers_calls == CallDevice.BROWSER
        and PhoneLine.objects.filter(provider=Provider.TWILIO).exists()
    )


def allow_browser_phone(response: HttpResponseBase) -> None:
    allow_sources(response, TWILIO_SOURCES)
