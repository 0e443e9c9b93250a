"""Which adapter delivers outbound messages on which channel: adding a channel is one line
here plus its folder.

Every channel is a package beside this module with the same parts: inbound.py turns raw
channel input into a conversations.inbound.InboundMessage (no database writes);
outbound.py has deliver(message), raising conversations.outbound.RetryableError or
PermanentError; the receiver (a view, consumer, poller or server) calls
conversations.actions.receive_message and nothing else.
"""

from kefu.conversations import outbound
from kefu.inboxes.api import outbound as api_outbound
from kefu.inboxes.email import outbound as email_outbound
from kefu.inboxes.models import Channel
from kefu.inboxes.portal import outbound as portal_outbound
from kefu.inboxes.webchat import outbound as webchat_outbound

_DELIVERERS: dict[str, outbound.Deliver] = {
    Channel.PORTAL: portal_outbound.deliver,
    Channel.API: api_outbound.deliver,
    Channel.EMAIL: email_outbound.deliver,
    Channel.WEBCHAT: webchat_outbound.deliver,
    # A reply typed in a phone conversation cannot be spoken down the line: the customer
    # reads it on the portal, notified as for any channel without its own delivery.
    Channel.PHONE: portal_outbound.deliver,
}


def install() -> None:
    """Hand the deliverers to conversations' delivery job (called by InboxesConfig.ready)."""
    # A conversation on a channel whose adapter is not installed yet is still readable
    # on the portal, so the portal's notification serves it.
    outbound.install(_DELIVERERS, fallback=portal_outbound.deliver)
