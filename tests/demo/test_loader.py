from kefu.agents.actions import mark_present
from kefu.agents.models import Agent
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation
from kefu.demo import loader
from kefu.inboxes.models import Channel, Inbox
from kefu.routing.wait_estimate import WaitReason, queue_status


def chat(inbox: Inbox, email: str) -> Conversation:
    return receive_message(
        InboundMessage(
            inbox=inbox,
            identity_kind="email",
            identity_value=email,
            text="USDT 提现两个小时了还没到账",
            intent="withdrawal_delayed",
        )
    ).conversation


def test_a_demo_chat_goes_to_the_first_demo_agent_who_opens_the_console(db: None) -> None:
    loader.load()
    inbox = Inbox.objects.get(channel=Channel.WEBCHAT)
    waiting = chat(inbox, "visitor1@example.com")
    # The demo agents are set online but nobody has signed in: the customer is told so.
    assert waiting.assignee is None
    assert queue_status(waiting).reason == WaitReason.NO_AGENT_ONLINE
    li_na = Agent.objects.get(username="li.na")
    mark_present(agent=li_na)
    waiting.refresh_from_db()
    assert waiting.assignee == li_na
    # The demo's chat inbox assigns: the next chat needs nobody to arrive.
    assert chat(inbox, "visitor2@example.com").assignee == li_na
