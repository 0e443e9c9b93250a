"""The one reply-window policy: its table across channels and times, its reasons and
alternatives, and the messages that ask it (replies and automatic messages)."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from kefu.agents.models import Agent
from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations import reply_window
from kefu.conversations.actions import send_automatic, send_reply
from kefu.conversations.models import Conversation, DeliveryStatus, Message, MessageKind
from kefu.conversations.reply_window import Mode, ReplyWindowClosed, check
from kefu.conversations.tasks import deliver_message
from kefu.inboxes.models import Channel, Inbox
from kefu.sla.sweep import holding_update_text

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
TIMES = {
    "0": timedelta(0),
    "47h59m": 47 * H + timedelta(minutes=59),
    "48h": 48 * H,
    "49h": 49 * H,
    "8d": timedelta(days=8),
}
ALWAYS_OPEN = [Channel.WEBCHAT, Channel.EMAIL, Channel.PORTAL, Channel.API, Channel.PHONE]


def _heard(conversation: Conversation) -> datetime:
    return conversation.messages.filter(kind=MessageKind.INBOUND).latest("created_at").created_at


def _sent(
    conversation: Conversation, count: int, status: str = DeliveryStatus.SENT, via: str = ""
) -> None:
    for _ in range(count):
        Message.objects.create(
            conversation=conversation,
            kind=MessageKind.OUTBOUND,
            text="回复",
            delivery_status=status,
            via=via,
        )


@pytest.mark.parametrize("channel", ALWAYS_OPEN)
@pytest.mark.parametrize("after", TIMES.values(), ids=TIMES.keys())
def test_channels_without_a_rule_are_always_free(
    on: Callable[..., Conversation], channel: str, after: timedelta
) -> None:
    conversation = on(channel)
    window = reply_window.reply_window(conversation, _heard(conversation) + after)
    assert (window.mode, window.until, window.remaining) == (Mode.FREE, None, None)


@pytest.mark.parametrize("after", TIMES.values(), ids=TIMES.keys())
def test_telegram_is_free_at_any_time_until_the_user_blocks_the_bot(
    on: Callable[..., Conversation], after: timedelta
) -> None:
    conversation = on(Channel.TELEGRAM)
    ContactIdentity.objects.create(
        contact=conversation.contact, kind=IdentityKind.TELEGRAM, value="424242"
    )
    when = _heard(conversation) + after
    assert reply_window.reply_window(conversation, when).mode == Mode.FREE
    mark_unreachable(
        IdentityKind.TELEGRAM, "424242", reason="Forbidden: bot was blocked by the user"
    )
    closed = reply_window.reply_window(conversation, when)
    assert closed.mode == Mode.CLOSED
    assert "bot was blocked by the user" in closed.reason


@pytest.mark.parametrize(
    ("after", "mode"),
    [
        (TIMES["0"], Mode.FREE),
        (TIMES["47h59m"], Mode.FREE),
        (TIMES["48h"], Mode.CLOSED),
        (TIMES["49h"], Mode.CLOSED),
        (TIMES["8d"], Mode.CLOSED),
    ],
    ids=TIMES.keys(),
)
def test_wechat_is_free_for_48_hours_after_the_customers_last_message(
    on: Callable[..., Conversation], after: timedelta, mode: str
) -> None:
    conversation = on(Channel.WECHAT)
    heard = _heard(conversation)
    _sent(conversation, 3)
    window = reply_window.reply_window(conversation, heard + after)
    assert window.mode == mode
    if mode == Mode.FREE:
        assert (window.until, window.remaining) == (heard + 48 * H, 17)
    else:
        assert window.until is None
        assert "48" in window.reason


def test_wechat_closes_when_20_messages_were_sent_and_reopens_when_the_customer_writes(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT)
    _sent(conversation, 19)
    assert reply_window.reply_window(conversation).remaining == 1
    _sent(conversation, 1)
    closed = reply_window.reply_window(conversation)
    assert closed.mode == Mode.CLOSED
    assert "20" in closed.reason
    Message.objects.create(
        conversation=conversation, kind=MessageKind.INBOUND, author_contact=conversation.contact
    )
    reopened = reply_window.reply_window(conversation)
    assert (reopened.mode, reopened.remaining) == (Mode.FREE, 20)


def test_failed_messages_and_messages_sent_another_way_do_not_count_toward_the_quota(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT)
    _sent(conversation, 5, status=DeliveryStatus.FAILED)
    _sent(conversation, 4, via=Channel.EMAIL)
    _sent(conversation, 2)
    assert reply_window.reply_window(conversation).remaining == 18


def test_a_customer_message_in_another_conversation_of_the_inbox_opens_the_window(
    on: Callable[..., Conversation],
) -> None:
    # The platforms count per user and account, not per ticket.
    old = on(Channel.WECHAT)
    Message.objects.filter(conversation=old).update(created_at=_heard(old) - 72 * H)
    assert not reply_window.reply_window(old).open
    newer = on(Channel.WECHAT, contact=old.contact)
    Conversation.objects.filter(pk=newer.pk).update(inbox=old.inbox)
    assert reply_window.reply_window(old).open


@pytest.mark.parametrize(
    ("after", "mode"),
    [
        (TIMES["0"], Mode.FREE),
        (TIMES["47h59m"], Mode.TAG),
        (TIMES["48h"], Mode.TAG),
        (TIMES["49h"], Mode.TAG),
        (TIMES["8d"], Mode.CLOSED),
    ],
    ids=TIMES.keys(),
)
def test_messenger_allows_human_agent_tagged_replies_for_7_days(
    on: Callable[..., Conversation], after: timedelta, mode: str
) -> None:
    conversation = on(Channel.MESSENGER)
    heard = _heard(conversation)
    window = reply_window.reply_window(conversation, heard + after)
    assert window.mode == mode
    if mode == Mode.TAG:
        assert (window.tag, window.until) == ("HUMAN_AGENT", heard + timedelta(days=7))
        assert check(conversation, now=heard + after) == "HUMAN_AGENT"
    elif mode == Mode.FREE:
        assert (window.tag, window.until) == ("", heard + 24 * H)
        assert check(conversation, now=heard + after) == ""


def test_a_conversation_the_customer_never_wrote_on_is_closed(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT)
    conversation.messages.all().delete()
    assert reply_window.reply_window(conversation).reason


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "replies may go only within 48 hours"),
        ("zh-hans", "小时内回复"),
        ("zh-hant", "小時內回覆"),
    ],
)
def test_the_closed_reason_is_in_the_readers_language(
    on: Callable[..., Conversation], language: str, words: str
) -> None:
    conversation = on(Channel.WECHAT)
    with translation.override(language):
        window = reply_window.reply_window(conversation, _heard(conversation) + 49 * H)
        labels = [alternative.label for alternative in window.alternatives]
    assert words in window.reason
    assert "微信" in window.reason or "WeChat" in window.reason
    assert len(labels) == 2


def test_the_alternatives_are_the_customers_email_and_the_portal(
    on: Callable[..., Conversation], contact_factory: Callable[..., Contact]
) -> None:
    conversation = on(Channel.WECHAT)
    Message.objects.filter(conversation=conversation).update(
        created_at=_heard(conversation) - 49 * H
    )
    window = reply_window.reply_window(conversation)
    assert [a.via for a in window.alternatives] == [Channel.EMAIL, Channel.PORTAL]
    assert conversation.contact.email in window.alternatives[0].label
    without_email = Contact.objects.create(name="匿名")
    other = on(Channel.WECHAT, contact=without_email)
    Message.objects.filter(conversation=other).update(created_at=_heard(other) - 49 * H)
    # The portal is signed into with a code sent to the address: no address, no way.
    assert reply_window.reply_window(other).alternatives == ()


def test_a_reply_goes_only_by_an_offered_way(on: Callable[..., Conversation], agent: Agent) -> None:
    conversation = on(Channel.WECHAT)
    Message.objects.filter(conversation=conversation).update(
        created_at=_heard(conversation) - 49 * H
    )
    before = Message.objects.count()
    with pytest.raises(ReplyWindowClosed):
        send_reply(conversation=conversation, agent=agent, text="您好")
    with pytest.raises(ReplyWindowClosed) as refused:
        check(conversation, via=Channel.API)
    assert refused.value.message
    assert Message.objects.count() == before
    reply = send_reply(conversation=conversation, agent=agent, text="您好", via=Channel.EMAIL)
    assert reply.via == Channel.EMAIL


def test_an_automatic_message_on_a_closed_wechat_conversation_goes_by_email(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT)
    Message.objects.filter(conversation=conversation).update(
        created_at=_heard(conversation) - 49 * H
    )
    # The SLA sweep's holding update, sent as the sweep sends it.
    text = holding_update_text(conversation, timezone.now() + H)
    update = send_automatic(conversation=conversation, text=text)
    assert update is not None
    assert update.via == Channel.EMAIL
    assert deliver_message.call(update.pk) == DeliveryStatus.SENT
    (sent,) = mail.outbox
    assert sent.to == [conversation.contact.email]
    assert conversation.reference in sent.body


def test_an_automatic_message_on_an_open_window_goes_on_the_channel(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT)
    update = send_automatic(conversation=conversation, text="已收到")
    assert update is not None
    assert update.via == ""


def test_an_automatic_message_that_nothing_can_carry_is_not_stored(
    on: Callable[..., Conversation],
) -> None:
    conversation = on(Channel.WECHAT, contact=Contact.objects.create(name="匿名"))
    Message.objects.filter(conversation=conversation).update(
        created_at=_heard(conversation) - 49 * H
    )
    before = Message.objects.count()
    assert send_automatic(conversation=conversation, text="仍在处理") is None
    assert Message.objects.count() == before


def test_an_automatic_message_never_takes_messengers_human_agent_tag(
    on: Callable[..., Conversation],
) -> None:
    # Past 24 hours only a person's reply may carry HUMAN_AGENT (Chatwoot #15887 tagged
    # bot replies): the holding update goes by email instead, or not at all.
    conversation = on(Channel.MESSENGER)
    Message.objects.filter(conversation=conversation).update(
        created_at=_heard(conversation) - 25 * H
    )
    assert reply_window.reply_window(conversation).mode == Mode.TAG
    update = send_automatic(conversation=conversation, text="仍在处理")
    assert update is not None
    assert update.via == Channel.EMAIL
    silent = on(Channel.MESSENGER, contact=Contact.objects.create(name="匿名"))
    Message.objects.filter(conversation=silent).update(created_at=_heard(silent) - 25 * H)
    assert send_automatic(conversation=silent, text="仍在处理") is None


def test_a_switched_off_inbox_takes_no_replies_and_offers_the_alternatives(
    on: Callable[..., Conversation], agent: Agent
) -> None:
    conversation = on(Channel.EMAIL)
    Inbox.objects.filter(pk=conversation.inbox_id).update(is_active=False)
    conversation.refresh_from_db()
    window = reply_window.reply_window(conversation)
    assert window.mode == Mode.CLOSED
    assert conversation.inbox.name in window.reason
    assert [a.via for a in window.alternatives] == [Channel.PORTAL]
    with pytest.raises(ReplyWindowClosed):
        send_reply(conversation=conversation, agent=agent, text="您好")
