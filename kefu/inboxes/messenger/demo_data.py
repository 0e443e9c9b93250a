"""The Facebook page in `kefu demo`: the page (listed as official) and two Messenger
customers, one inside the 24-hour window and one in the HUMAN_AGENT period after it, so
the composer shows both.

The messages go through receive_message as the webhook's job would; their times are then
set back, since the window is counted from the customer's last message.
"""

from datetime import timedelta

from django.utils import timezone

from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Message
from kefu.inboxes.messenger.actions import save_page
from kefu.inboxes.models import Channel, Inbox

# (PSID, name, text, hours ago): the first has 21 hours of the standard window left,
# the second wrote 3 days ago, so only an agent's reply with HUMAN_AGENT may go.
CUSTOMERS = [
    (
        "7010000000000001",
        "Maria Santos",
        "Hi, my withdrawal of 0.15 BTC has been pending for 6 hours. Can you check it?",
        3,
    ),
    (
        "7010000000000002",
        "Nguyen Van An",
        "I was asked to verify my account again, but I already did last month. Why?",
        72,
    ),
]


def load() -> None:
    inbox = Inbox.objects.create(name="Facebook Kefu Exchange", channel=Channel.MESSENGER)
    save_page(
        inbox=inbox,
        page_id="104857600000099",
        name="Kefu Exchange",
        username="kefuexchange",
        app_secret="demo-secret-never-used",
        page_access_token="demo-token-never-used",
    )
    for index, (psid, name, text, hours) in enumerate(CUSTOMERS, start=1):
        message = receive_message(
            InboundMessage(
                inbox=inbox,
                text=text,
                identity_kind=IdentityKind.MESSENGER,
                identity_value=psid,
                contact_name=name,
                external_id=f"mid:m_demo{index:04d}",
            )
        )
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(hours=hours)
        )
