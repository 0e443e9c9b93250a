"""The Telegram bot in `kefu demo`: @kefu_support (the demo exchange's official Telegram
account, kefu/safety/demo_data.py) and a customer who wrote to it.

The demo cannot reach Telegram, so the bot is stored as `connect_bot` would leave it
without the webhook call; the customer's message goes through receive_message as the
webhook's would, so it is screened, threaded and routed like a real one.
"""

from django.utils import timezone

from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.telegram.actions import register_official
from kefu.inboxes.telegram.models import TelegramBot

# Telegram's own example token shape; the demo never calls Telegram with it.
DEMO_TOKEN = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def load() -> None:
    inbox = Inbox.objects.create(name="Telegram @kefu_support", channel=Channel.TELEGRAM)
    bot = TelegramBot.objects.create(
        inbox=inbox,
        token=DEMO_TOKEN,
        bot_id=110201543,
        username="kefu_support",
        display_name="Kefu Support",
        connected_at=timezone.now(),
    )
    register_official(bot)
    receive_message(
        InboundMessage(
            inbox=inbox,
            text=(
                "Hi, I sent 0.5 ETH to my Kefu wallet two hours ago (tx 0x9f3c…e21a) and "
                "it still shows pending. Someone called 'Kefu Support' messaged me first "
                "asking for my seed phrase to speed it up — is that you?"
            ),
            identity_kind=IdentityKind.TELEGRAM,
            identity_value="424242424",
            contact_name="Alex Morgan",
            language="en",
            external_id="update:900000001",
        )
    )
