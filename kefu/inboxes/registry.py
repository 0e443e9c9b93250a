"""Which adapter delivers outbound messages on which channel."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from kefu.inboxes.api import outbound as api_outbound
from kefu.inboxes.email import outbound as email_outbound
from kefu.inboxes.models import Channel
from kefu.inboxes.portal import outbound as portal_outbound
from kefu.inboxes.webchat import outbound as webchat_outbound

if TYPE_CHECKING:
    from kefu.conversations.models import Message

Deliver = Callable[["Message"], None]

_DELIVERERS: dict[str, Deliver] = {
    Channel.PORTAL: portal_outbound.deliver,
    Channel.API: api_outbound.deliver,
    Channel.EMAIL: email_outbound.deliver,
    Channel.WEBCHAT: webchat_outbound.deliver,
}


def deliverer_for(channel: str) -> Deliver:
    try:
        return _DELIVERERS[channel]
    except KeyError:
        # A conversation on a channel whose adapter is not installed yet is still
        # readable on the portal, so fall back to the portal notification.
        return portal_outbound.deliver
