"""The X account in `kefu demo`: @kefuexchange (the demo exchange's official X handle,
kefu/safety/demo_data.py) and a customer who sent it a DM.

The demo cannot reach X, so the keys are placeholders never used; the DM goes through
receive_message as the webhook's would, so it is screened, threaded and routed.
"""

from kefu.contacts.models import IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.x.actions import save_account

DEMO_USER_ID = "1600000000000000001"


def load() -> None:
    inbox = Inbox.objects.create(name="X @kefuexchange", channel=Channel.X)
    save_account(
        inbox=inbox,
        user_id=DEMO_USER_ID,
        username="kefuexchange",
        display_name="Kefu Exchange",
        consumer_key="demo-consumer-key",
        consumer_secret="demo-consumer-secret-never-used",
        access_token="1600000000000000001-demoaccesstoken",
        access_token_secret="demo-access-token-secret",
    )
    receive_message(
        InboundMessage(
            inbox=inbox,
            text=(
                "Hi, an account called @kefuexchange_help replied to my tweet and asked me "
                "to DM my 2FA backup codes to unlock my withdrawal. Is that you? My "
                "withdrawal of 1,200 USDT has been pending since yesterday."
            ),
            identity_kind=IdentityKind.X,
            identity_value="1700000000000000042",
            contact_name="Sam Rivera",
            external_id="dm:1800000000000000001",
        )
    )
