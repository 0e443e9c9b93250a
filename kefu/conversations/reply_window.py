"""Can we reply on this conversation's channel now, how, and until when? One answer for
every channel, asked by the composer, by send_reply and by every automatic message.

Messaging platforms limit what a business may send: WeChat's customer-service messages
go only within 48 hours of the customer's last message and at most 20 per window;
Messenger's within 24 hours, or 7 days with the HUMAN_AGENT tag; a Telegram user who
blocked the bot cannot be written to at all. Each channel states its rule as data
(ChannelRule), installed by kefu/inboxes/registry.py beside its deliverer, so this
module holds the one policy and a new channel adds one rule, not another branch.

When the channel is closed, the answer lists what remains (the customer's email, the
help-center portal), so the agent is offered a way to reach the customer instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from kefu.contacts.models import ContactIdentity
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.core.errors import MessageRejected
from kefu.inboxes.models import Channel


@dataclass(frozen=True)
class ChannelRule:
    """What a channel allows after the customer's last message."""

    # The kind of contact identity the channel writes to (its blocks are on that row).
    identity_kind: str = ""
    # A free reply may go until this long after the customer's last message; None: always.
    window: timedelta | None = None
    # At most this many messages per window (WeChat: 20); None: no count.
    quota: int | None = None
    # A message tag that lets a reply go after the window, until `tag_window` after the
    # customer's last message (Messenger's HUMAN_AGENT: 7 days).
    tag: str = ""
    tag_window: timedelta | None = None
    # The platform's name for the rule, shown to agents ("WeChat's 48-hour rule"); lazy,
    # so it is translated into each agent's language when shown.
    name: "str | Promise" = ""


class Mode:
    FREE = "free"  # a normal reply
    TAG = "tag"  # only with the channel's tag (ReplyWindow.tag)
    CLOSED = "closed"


@dataclass(frozen=True)
class Alternative:
    """Another way to reach the customer: `via` is the channel the reply would go on."""

    via: str
    label: str


@dataclass(frozen=True)
class ReplyWindow:
    mode: str
    # When the current mode ends (None: it does not); a closed window has none.
    until: datetime | None = None
    # Messages the quota still allows in this window (None: no quota).
    remaining: int | None = None
    tag: str = ""
    # Why replies are refused, in the agent's language (only when closed).
    reason: str = ""
    alternatives: tuple[Alternative, ...] = ()

    @property
    def open(self) -> bool:
        return self.mode != Mode.CLOSED


class ReplyWindowClosed(MessageRejected):
    code = "reply_window_closed"
    status = 409


_rules: dict[str, ChannelRule] = {}


def install(rules: Mapping[str, ChannelRule]) -> None:
    """Take the channels' rules (called by kefu/inboxes/registry.py at start-up)."""
    _rules.clear()
    _rules.update(rules)


def rule_for(channel: str) -> ChannelRule:
    return _rules.get(channel, ChannelRule())


def _last_heard(conversation: Conversation) -> datetime | None:
    """The customer's last message to this inbox, in any of their conversations: the
    platforms count the window per user and account, not per ticket."""
    result = Message.objects.filter(
        kind=MessageKind.INBOUND,
        conversation__inbox_id=conversation.inbox_id,
        conversation__contact_id=conversation.contact_id,
    ).aggregate(last=Max("created_at"))
    return result["last"]


def _sent_since(conversation: Conversation, since: datetime) -> int:
    return (
        Message.objects.filter(
            kind=MessageKind.OUTBOUND,
            via="",
            conversation__inbox_id=conversation.inbox_id,
            conversation__contact_id=conversation.contact_id,
            created_at__gt=since,
        )
        .exclude(delivery_status=DeliveryStatus.FAILED)
        .count()
    )


def _alternatives(conversation: Conversation) -> tuple[Alternative, ...]:
    """Ways that still reach the customer. Both need their email address: the portal is
    signed into with a code sent there, and tells them by email that a reply waits."""
    address = conversation.contact.email
    if not address:
        return ()
    found = []
    if conversation.channel != Channel.EMAIL:
        found.append(Alternative(Channel.EMAIL, _("Email %(address)s") % {"address": address}))
    if conversation.channel != Channel.PORTAL:
        found.append(Alternative(Channel.PORTAL, _("The help-center portal")))
    return tuple(found)


def _closed(conversation: Conversation, reason: str) -> ReplyWindow:
    return ReplyWindow(Mode.CLOSED, reason=reason, alternatives=_alternatives(conversation))


def _blocked(conversation: Conversation, rule: ChannelRule) -> ContactIdentity | None:
    if not rule.identity_kind:
        return None
    return (
        ContactIdentity.objects.filter(
            contact_id=conversation.contact_id,
            kind=rule.identity_kind,
            unreachable_since__isnull=False,
        )
        .only("unreachable_since", "unreachable_reason")
        .first()
    )


def reply_window(conversation: Conversation, now: datetime | None = None) -> ReplyWindow:
    """Whether a reply may go on the conversation's channel at `now`, how, and until when."""
    now = now or timezone.now()
    if not conversation.inbox.is_active:
        # Switched off by an administrator (an X account without API access, a page
        # disconnected): nothing goes out through it, the customer is reached another way.
        return _closed(
            conversation,
            _("The inbox %(inbox)s is switched off: nothing can be sent through it.")
            % {"inbox": conversation.inbox.name},
        )
    rule = rule_for(conversation.channel)
    blocked = _blocked(conversation, rule)
    if blocked is not None:
        return _closed(
            conversation,
            _("The customer cannot be reached on this channel since %(when)s: %(reason)s")
            % {
                "when": timezone.localtime(blocked.unreachable_since).strftime("%Y-%m-%d %H:%M"),
                "reason": blocked.unreachable_reason or _("the platform refuses our messages"),
            },
        )
    if rule.window is None:
        return ReplyWindow(Mode.FREE)
    last = _last_heard(conversation)
    if last is None:
        return _closed(conversation, _("The customer has not written on this channel yet."))
    until = last + rule.window
    if now < until:
        if rule.quota is None:
            return ReplyWindow(Mode.FREE, until=until)
        remaining = rule.quota - _sent_since(conversation, last)
        if remaining > 0:
            return ReplyWindow(Mode.FREE, until=until, remaining=remaining)
        return _closed(
            conversation,
            _(
                "%(rule)s allows %(quota)s messages after each message of the customer, and "
                "they have been sent. You can write again when the customer replies."
            )
            % {"rule": rule.name, "quota": rule.quota},
        )
    if rule.tag and rule.tag_window is not None and now < last + rule.tag_window:
        # An automatic message may not take the tag (send_automatic): it needs these.
        return ReplyWindow(
            Mode.TAG,
            until=last + rule.tag_window,
            tag=rule.tag,
            alternatives=_alternatives(conversation),
        )
    return _closed(
        conversation,
        _(
            "%(rule)s: replies may go only within %(hours)s hours of the customer's last "
            "message, and that was at %(when)s."
        )
        % {
            "rule": rule.name,
            "hours": int(rule.window.total_seconds() // 3600),
            "when": timezone.localtime(last).strftime("%Y-%m-%d %H:%M"),
        },
    )


def check(conversation: Conversation, *, via: str = "", now: datetime | None = None) -> str:
    """The tag a reply must carry ("" for none), or ReplyWindowClosed with the reason.

    `via` sends on one of the window's alternatives instead of the conversation's channel.
    """
    window = reply_window(conversation, now)
    if via and via != conversation.channel:
        if via not in {alternative.via for alternative in window.alternatives}:
            raise ReplyWindowClosed(
                _("This conversation cannot be answered on %(channel)s.")
                % {"channel": Channel(via).label if via in Channel.values else via}
            )
        return ""
    if not window.open:
        raise ReplyWindowClosed(window.reason)
    return window.tag
