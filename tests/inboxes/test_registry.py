"""The inboxes app hands every channel's deliverer to the delivery job when it starts."""

from kefu.conversations.outbound import deliverer_for
from kefu.inboxes.api import outbound as api_outbound
from kefu.inboxes.email import outbound as email_outbound
from kefu.inboxes.models import Channel
from kefu.inboxes.portal import outbound as portal_outbound
from kefu.inboxes.telegram import outbound as telegram_outbound
from kefu.inboxes.webchat import outbound as webchat_outbound


def test_each_channel_with_an_adapter_is_delivered_by_it() -> None:
    channels = (Channel.PORTAL, Channel.API, Channel.EMAIL, Channel.WEBCHAT, Channel.TELEGRAM)
    assert [deliverer_for(channel) for channel in channels] == [
        portal_outbound.deliver,
        api_outbound.deliver,
        email_outbound.deliver,
        webchat_outbound.deliver,
        telegram_outbound.deliver,
    ]


def test_a_channel_without_an_adapter_yet_gets_the_portal_notification() -> None:
    # A channel value added to Channel before its adapter's line in the registry.
    assert deliverer_for("a-channel-added-later") is portal_outbound.deliver
