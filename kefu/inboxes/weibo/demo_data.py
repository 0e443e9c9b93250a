"""The Weibo account in `kefu demo`: the account (listed as official by its uid) and one
fan's private message, inside Weibo's 48-hour window.

The message goes through receive_message as the push URL would; its time is then set
back, since the window is counted from the fan's last message.
"""

from datetime import timedelta

from django.utils import timezone

from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Message
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.weibo.actions import save_account

ACCOUNT_UID = "7510000001"
FAN_UID = "6210000042"


def load() -> None:
    inbox = Inbox.objects.create(name="微博 Kefu 客服", channel=Channel.WEIBO)
    save_account(
        inbox=inbox,
        uid=ACCOUNT_UID,
        screen_name="Kefu交易所",
        app_key="1234567890",
        app_secret="demo-secret-never-used",
        access_token="demo-token-never-used",
    )
    message = receive_message(
        InboundMessage(
            inbox=inbox,
            text="你好，我刚才提币到冷钱包，显示“审核中”已经两个小时了，正常吗？",
            identity_kind=IdentityKind.WEIBO,
            identity_value=FAN_UID,
            contact_name="币圈小李",
            external_id=f"{FAN_UID}:demo",
        )
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=5))
