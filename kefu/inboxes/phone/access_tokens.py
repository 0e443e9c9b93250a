"""Access tokens for the agents' browser phone (the Twilio Voice JavaScript SDK).

A token lets the browser register as `agent-<public_id>` to receive the calls Kefu
dials to that client, and place calls through the line's TwiML app (whose voice URL
checks each number against the conversation). It expires after an hour; the console
fetches a new one before then.
"""

from django.utils.translation import gettext as _
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from kefu.agents.models import Agent
from kefu.core.errors import KefuError, NotFound
from kefu.inboxes.phone.dispatch import agent_identity
from kefu.inboxes.phone.models import PhoneLine, Provider

TTL_SECONDS = 3600


class NoBrowserPhone(KefuError):
    code = "no_browser_phone"


def browser_line(line_id: int | None) -> PhoneLine:
    """The Twilio line asked for, or the first one when the console names none."""
    lines = PhoneLine.objects.filter(provider=Provider.TWILIO, inbox__is_active=True)
    line = (lines.filter(pk=line_id) if line_id is not None else lines.order_by("pk")).first()
    if line is None:
        raise NotFound(_("There is no Twilio phone line."))
    return line


def access_token(agent: Agent, line: PhoneLine) -> str:
    if not (line.account_sid and line.api_key_sid and line.api_key_secret and line.twiml_app_sid):
        raise NoBrowserPhone(
            _(
                "The phone line %(number)s has no API key or TwiML app yet: "
                "an administrator sets them in the line's settings."
            )
            % {"number": line.number}
        )
    token = AccessToken(
        line.account_sid,
        line.api_key_sid,
        line.api_key_secret,
        identity=agent_identity(agent),
        ttl=TTL_SECONDS,
    )
    token.add_grant(VoiceGrant(outgoing_application_sid=line.twiml_app_sid, incoming_allow=True))
    return str(token.to_jwt())
