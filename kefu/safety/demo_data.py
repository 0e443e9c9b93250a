"""The demo exchange's official channels, so `kefu demo` has something to verify.

Called by the demo loader once its team exists: the rows are written by the demo admin
through the same action (and audit entry) an administrator uses. This site's own address
and sender need no row (own_addresses.py).
"""

from kefu.agents.models import Agent, Role
from kefu.safety.actions import add_official_channel
from kefu.safety.models import OfficialKind

# (kind, value as people write it, label): the channels a customer of the demo exchange
# would be contacted on; the phone is a 400 hotline as mainland exchanges publish.
CHANNELS = (
    (OfficialKind.DOMAIN, "https://www.kefu-exchange.com", "官方网站 · Website"),
    (OfficialKind.EMAIL, "support@kefu-exchange.com", "客服邮箱 · Support email"),
    (OfficialKind.PHONE, "+86 400-123-4567", "客服热线 · Hotline"),
    (OfficialKind.TELEGRAM, "@kefu_support", "Telegram 客服 · Support"),
    (OfficialKind.X, "@kefuexchange", "官方 X 账号 · Announcements"),
    (OfficialKind.WECHAT, "kefu_support", "微信公众号 · WeChat Official Account"),
    (OfficialKind.FACEBOOK, "kefuexchange", "Facebook 主页 · Page and Messenger"),
    (OfficialKind.WEIBO, "7510000001", "官方微博 · Weibo"),
)


def load() -> None:
    admin = Agent.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise RuntimeError("The demo admin adds the official channels: load the team first.")
    for kind, value, label in CHANNELS:
        add_official_channel(actor=admin, kind=kind, value=value, label=label)
