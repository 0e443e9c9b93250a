"""Where a customer sends a link command: one entry per messaging channel with an active
inbox, read from that channel's account model. The one place that knows, for each kind,
the handle to show and the deep link that carries the command for the customer."""

from dataclasses import dataclass
from urllib.parse import quote

from kefu.contacts.models import IdentityKind
from kefu.inboxes.messenger.models import FacebookPage
from kefu.inboxes.telegram.models import TelegramBot
from kefu.inboxes.wechat.models import WeChatAccount
from kefu.inboxes.weibo.models import WeiboAccount
from kefu.inboxes.x.models import XAccount

# The payload of a deep link: Telegram sends "/start link-TOKEN" for ?start=link-TOKEN,
# Messenger passes ?ref=link-TOKEN to the page, X's DM composer types ?text=link-TOKEN.
PAYLOAD_PREFIX = "link-"


@dataclass(frozen=True)
class LinkChannel:
    kind: str
    label: str
    # What the customer looks for in the app: "@kefu_support_bot", an account's name.
    handle: str
    # The deep link without its payload ("https://t.me/bot?start="), or "" for none.
    deep_link_base: str = ""

    def deep_link(self, token: str) -> str:
        return self.deep_link_base + quote(PAYLOAD_PREFIX + token) if self.deep_link_base else ""


def _telegram() -> list[LinkChannel]:
    bots = TelegramBot.objects.filter(inbox__is_active=True).exclude(username="")
    return [
        LinkChannel(
            kind=IdentityKind.TELEGRAM,
            label=str(IdentityKind.TELEGRAM.label),
            handle=f"@{bot.username}",
            deep_link_base=f"https://t.me/{quote(bot.username)}?start=",
        )
        for bot in bots.order_by("pk")[:1]
    ]


def _wechat() -> list[LinkChannel]:
    accounts = WeChatAccount.objects.filter(inbox__is_active=True).order_by("pk")[:1]
    return [
        LinkChannel(
            kind=IdentityKind.WECHAT,
            label=str(IdentityKind.WECHAT.label),
            handle=f"{a.display_name} ({a.wechat_id})" if a.wechat_id else a.display_name,
        )
        for a in accounts
    ]


def _messenger() -> list[LinkChannel]:
    pages = FacebookPage.objects.filter(inbox__is_active=True).order_by("pk")[:1]
    return [
        LinkChannel(
            kind=IdentityKind.MESSENGER,
            label=str(IdentityKind.MESSENGER.label),
            handle=page.name,
            deep_link_base=f"https://m.me/{quote(page.username)}?ref=" if page.username else "",
        )
        for page in pages
    ]


def _x() -> list[LinkChannel]:
    accounts = XAccount.objects.filter(inbox__is_active=True, api_access=True).order_by("pk")
    return [
        LinkChannel(
            kind=IdentityKind.X,
            label=str(IdentityKind.X.label),
            handle=f"@{account.username}",
            deep_link_base=(
                f"https://x.com/messages/compose?recipient_id={quote(account.user_id)}&text="
            ),
        )
        for account in accounts[:1]
    ]


def _weibo() -> list[LinkChannel]:
    accounts = WeiboAccount.objects.filter(inbox__is_active=True).order_by("pk")[:1]
    return [
        LinkChannel(
            kind=IdentityKind.WEIBO, label=str(IdentityKind.WEIBO.label), handle=a.screen_name
        )
        for a in accounts
    ]


def link_channels() -> list[LinkChannel]:
    """The channels the customer can link now, one entry each (the first active inbox:
    a single identity per kind is what links, whichever bot of the kind it wrote to)."""
    return [*_telegram(), *_wechat(), *_messenger(), *_x(), *_weibo()]


def link_channel(kind: str) -> LinkChannel | None:
    return next((c for c in link_channels() if c.kind == kind), None)
