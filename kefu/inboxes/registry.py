"""Which adapter delivers outbound messages on which channel, and what the channel allows
(its reply-window rule): adding a channel is a line in each table here plus its folder.

Every channel is a package beside this module with the same parts: inbound.py turns raw
channel input into a conversations.inbound.InboundMessage (no database writes);
outbound.py has deliver(message), raising conversations.outbound.RetryableError or
PermanentError; the receiver (a view, consumer, poller or server) calls
conversations.actions.receive_message and nothing else.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import IdentityKind
from kefu.conversations import outbound, reply_window
from kefu.conversations.reply_window import ChannelRule
from kefu.inboxes.api import outbound as api_outbound
from kefu.inboxes.email import outbound as email_outbound
from kefu.inboxes.messenger import outbound as messenger_outbound
from kefu.inboxes.models import Channel
from kefu.inboxes.portal import outbound as portal_outbound
from kefu.inboxes.telegram import outbound as telegram_outbound
from kefu.inboxes.webchat import outbound as webchat_outbound
from kefu.inboxes.wechat import outbound as wechat_outbound
from kefu.inboxes.weibo import outbound as weibo_outbound
from kefu.inboxes.x import outbound as x_outbound

_DELIVERERS: dict[str, outbound.Deliver] = {
    Channel.PORTAL: portal_outbound.deliver,
    Channel.API: api_outbound.deliver,
    Channel.EMAIL: email_outbound.deliver,
    Channel.WEBCHAT: webchat_outbound.deliver,
    Channel.TELEGRAM: telegram_outbound.deliver,
    Channel.WECHAT: wechat_outbound.deliver,
    Channel.WEIBO: weibo_outbound.deliver,
    Channel.X: x_outbound.deliver,
    Channel.MESSENGER: messenger_outbound.deliver,
    # A reply typed in a phone conversation cannot be spoken down the line: the customer
    # reads it on the portal, notified as for any channel without its own delivery.
    Channel.PHONE: portal_outbound.deliver,
}

# A channel without a rule takes replies at any time (email, chat, portal, API, phone).
_RULES: dict[str, ChannelRule] = {
    # Bots may write to a user at any time, unless the user blocked the bot.
    Channel.TELEGRAM: ChannelRule(identity_kind=IdentityKind.TELEGRAM),
    # A DM conversation the user started takes replies at any time, unless X refuses
    # messages to the user (DMs closed to us, blocked, suspended): deliver() marks that.
    Channel.X: ChannelRule(identity_kind=IdentityKind.X),
    # Customer-service messages: within 48 hours of the user's last message, at most 20.
    Channel.WECHAT: ChannelRule(
        identity_kind=IdentityKind.WECHAT,
        window=timedelta(hours=48),
        quota=20,
        name=_("WeChat's 48-hour rule"),
    ),
    # Fan service replies: any number within 48 hours of the fan's message, none after.
    Channel.WEIBO: ChannelRule(
        identity_kind=IdentityKind.WEIBO,
        window=timedelta(hours=48),
        name=weibo_outbound.RULE_NAME,
    ),
    # The standard window is 24 hours; a reply a person wrote may go for 7 days with the
    # HUMAN_AGENT tag, an automatic one never (send_automatic does not use the tag).
    Channel.MESSENGER: ChannelRule(
        identity_kind=IdentityKind.MESSENGER,
        window=timedelta(hours=24),
        tag="HUMAN_AGENT",
        tag_window=timedelta(days=7),
        name=_("Messenger's 24-hour rule"),
    ),
}


def install() -> None:
    """Hand the deliverers to conversations' delivery job (called by InboxesConfig.ready)."""
    # A conversation on a channel whose adapter is not installed yet is still readable
    # on the portal, so the portal's notification serves it.
    outbound.install(_DELIVERERS, fallback=portal_outbound.deliver)
    reply_window.install(_RULES)
