"""The WeChat Official Account in `kefu demo`: the account (listed as official) and two
customers, one inside WeChat's 48-hour window and one past it, so the composer shows both.

The messages go through receive_message as the webhook's job would; their times are then
set back, since the window is counted from the customer's last message.
"""

from datetime import timedelta

from django.utils import timezone

from kefu.contacts.actions import add_identity
from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Message
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.wechat.actions import save_account

# (OpenID, name, text, hours ago, email): the first has 8 hours of the window left, the
# second wrote 3 days ago and left an email, which the agent is offered instead.
CUSTOMERS = [
    (
        "oDemoWangFang0000000000000001",
        "王芳",
        "你好，我昨天在 App 里充值了 2000 USDT（TRC20），到现在还没到账，交易哈希已经确认了。",
        40,
        "",
    ),
    (
        "oDemoChenJie00000000000000002",
        "陈杰",
        "請問實名認證要多久？我上傳證件已經三天了。",
        72,
        "chen.jie@example.com",
    ),
]


def load() -> None:
    inbox = Inbox.objects.create(name="微信公众号 Kefu 客服", channel=Channel.WECHAT)
    save_account(
        inbox=inbox,
        app_id="wxdemo0000000001",
        app_secret="demo-secret-never-used",
        token="demo-token",
        original_id="gh_demo00000001",
        display_name="Kefu 客服",
        wechat_id="kefu_support",
    )
    for index, (openid, name, text, hours, email) in enumerate(CUSTOMERS, start=1):
        message = receive_message(
            InboundMessage(
                inbox=inbox,
                text=text,
                identity_kind=IdentityKind.WECHAT,
                identity_value=openid,
                contact_name=name,
                external_id=f"msg:{24000000000000000 + index}",
            )
        )
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(hours=hours)
        )
        if email:
            add_identity(message.conversation.contact, IdentityKind.EMAIL, email)
