"""The hotline in `kefu demo`: a phone line and three calls that show the caller log at work.

Called by the demo loader after its agents, contacts and conversations exist. The calls
go through the same lifecycle actions Twilio's webhooks drive, so their conversations and
timelines are what a real line would leave: 张伟's answered call joins his withdrawal case
(which then waits for the review again) and is wrapped up; an unknown number reporting a
stolen account hung up in the queue (the caller log's to-do); a Hong Kong caller asked to
be called back. The line has
no Twilio account (the demo cannot reach Twilio) and no agent answers calls, so nothing
dials out; the numbers are official, so the verify page vouches for them.
"""

from kefu.agents.models import Agent
from kefu.contacts.actions import add_identity
from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.actions import change_status
from kefu.conversations.models import Status
from kefu.core.intents import Intent
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone import actions, caller_log
from kefu.inboxes.phone.lines import save_line
from kefu.inboxes.phone.models import Call, Direction, PhoneLine, WrapUpOutcome

HOTLINE = "+86 400 123 4567"
ZHANG_WEI = ("zhang.wei@example.com", "+86 138 0013 8000")
UNKNOWN_CALLER = "+86 139 1234 5678"
HONG_KONG_CALLER = "+852 9123 4567"


def _call(line: PhoneLine, sid: str, number: str, language: str, intent: str) -> Call:
    call = actions.start_call(
        line=line, sid=sid, direction=Direction.INBOUND, from_number=number, to_number=line.number
    )
    actions.choose_language(call, language)
    actions.choose_topic(call, intent)
    return actions.enqueue(call)


def load() -> None:
    inbox = Inbox.objects.create(name="客服热线 Hotline", channel=Channel.PHONE)
    line = save_line(PhoneLine(inbox=inbox, number=HOTLINE))
    email, phone = ZHANG_WEI
    zhang_wei = Contact.objects.get(email=email)
    add_identity(zhang_wei, IdentityKind.PHONE, phone)
    li_na = Agent.objects.get(username="li.na")

    answered = _call(line, "CAdemo0001", phone, "zh-Hans", Intent.WITHDRAWAL_DELAYED)
    actions.ended(actions.answered(answered, li_na), duration=214)
    caller_log.wrap_up(
        call=answered,
        agent=li_na,
        intent=Intent.WITHDRAWAL_DELAYED,
        outcome=WrapUpOutcome.RESOLVED,
    )
    # The call reopened his case; the review still runs, so it waits again as before.
    assert answered.conversation is not None
    change_status(conversation=answered.conversation, actor=li_na, status=Status.PENDING)

    actions.ended(_call(line, "CAdemo0002", UNKNOWN_CALLER, "zh-Hans", Intent.ACCOUNT_STOLEN))

    callback = _call(line, "CAdemo0003", HONG_KONG_CALLER, "zh-Hant", Intent.ACCOUNT_LOCKED)
    actions.request_callback(callback)
    actions.ended(callback)
