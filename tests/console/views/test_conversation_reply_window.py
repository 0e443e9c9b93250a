"""The composer's reply-window line (kefu.console.views.conversation.reply_window_context):
time left and quota, the tag, why closed and the ways that remain, nothing for channels
without a rule, and a page whose query count grows only for those channels."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.contacts.actions import mark_unreachable
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations import reply_window
from kefu.conversations.models import DeliveryStatus, Message, MessageKind
from kefu.conversations.reply_window import ChannelRule
from kefu.inboxes import registry
from kefu.inboxes.models import Channel, Inbox
from tests.console.reply_windows import wechat_conversation


def page(client, conversation) -> str:
    response = client.get(f"/console/c/{conversation.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def line(html: str) -> str:
    start = html.index('id="reply-window"')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_an_open_wechat_window_shows_the_rule_the_time_left_and_the_quota(
    agent_client, conversation_factory
):
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=2), sent=3)
    shown = line(page(agent_client, conversation))
    assert "WeChat&#x27;s 48-hour rule:" in shown or "WeChat's 48-hour rule:" in shown
    assert "Replies possible until <time datetime=" in shown
    assert "(in 45 h)" in shown or "(in 46 h)" in shown
    assert "17 of 20 messages left" in shown
    assert "reply-window-free" in shown


def test_a_closed_wechat_window_says_why_and_offers_email_and_the_portal(
    agent_client, conversation_factory
):
    conversation = wechat_conversation(
        conversation_factory, heard_ago=timedelta(hours=49), email="a@b.c"
    )
    html = page(agent_client, conversation)
    shown = line(html)
    assert "reply-window-closed" in shown
    assert "Replies cannot go on this channel now." in shown
    assert "replies may go only within 48 hours of the customer" in shown
    assert "Send instead by:" in html
    assert '<input type="radio" name="via" value="email" checked> Email a@b.c' in html
    assert '<input type="radio" name="via" value="portal"> The help-center portal' in html
    assert '<textarea id="reply-text" name="text" rows="3" data-submit' in html


def test_a_spent_quota_closes_the_window_with_the_rule_named(agent_client, conversation_factory):
    conversation = wechat_conversation(conversation_factory, sent=20)
    shown = line(page(agent_client, conversation))
    assert "reply-window-closed" in shown
    assert "allows 20 messages after each message of the customer" in shown


def test_failed_replies_do_not_count_against_the_quota(agent_client, conversation_factory):
    conversation = wechat_conversation(conversation_factory, sent=20)
    conversation.messages.filter(kind=MessageKind.OUTBOUND).update(
        delivery_status=DeliveryStatus.FAILED
    )
    assert "20 of 20 messages left" in line(page(agent_client, conversation))


def test_a_blocked_telegram_user_closes_the_window_and_an_unblocked_shows_nothing(
    agent_client, conversation_factory
):
    inbox = Inbox.objects.create(name="Telegram", channel=Channel.TELEGRAM)
    conversation = conversation_factory(inbox=inbox, channel=Channel.TELEGRAM)
    ContactIdentity.objects.create(
        contact=conversation.contact, kind=IdentityKind.TELEGRAM, value="424242"
    )
    html = page(agent_client, conversation)
    assert 'id="reply-window"' in html
    assert " hidden>" in html[html.index('id="reply-window"') :]
    mark_unreachable(IdentityKind.TELEGRAM, "424242", reason="Forbidden: bot was blocked")
    shown = line(page(agent_client, conversation))
    assert "reply-window-closed" in shown
    assert "Forbidden: bot was blocked" in shown


def test_channels_without_a_rule_show_no_window_line(agent_client, conversation_factory):
    html = page(agent_client, conversation_factory())
    assert 'id="reply-window"' not in html
    assert "Send instead by:" not in html


def test_a_closed_window_with_no_email_address_disables_the_reply_box(
    agent_client, conversation_factory
):
    # The portal too is reached through the customer's email (its sign-in code).
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=49))
    html = page(agent_client, conversation)
    assert "replies may go only within 48 hours" in line(html)
    assert 'name="via"' not in html
    assert "No other channel reaches this customer: they have given no email address." in html
    assert '<textarea id="reply-text" name="text" rows="3" disabled' in html
    assert '<button type="submit" class="btn btn-primary" disabled>Send reply</button>' in html


def test_an_open_window_keeps_the_reply_box_enabled(agent_client, conversation_factory):
    html = page(agent_client, wechat_conversation(conversation_factory))
    assert '<textarea id="reply-text" name="text" rows="3" data-submit' in html
    assert "No other channel reaches this customer" not in html


def test_the_line_fragment_refreshes_on_its_own(agent_client, conversation_factory):
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=49))
    response = agent_client.get(f"/console/c/{conversation.reference}/reply-window/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<p id="reply-window"')
    assert 'hx-trigger="kefu-conversation-changed from:body, every 60s"' in html
    assert "replies may go only within 48 hours" in html


def test_a_message_sent_by_email_says_so_in_the_timeline(agent_client, agent, conversation_factory):
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=49))
    Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        author_agent=agent,
        text="请查收邮件",
        via=Channel.EMAIL,
    )
    Message.objects.create(
        conversation=conversation,
        kind=MessageKind.OUTBOUND,
        author_agent=agent,
        text="请登录帮助中心",
        via=Channel.PORTAL,
    )
    html = page(agent_client, conversation)
    assert '<span class="via">sent by email</span>' in html
    assert '<span class="via">sent through the help-center portal</span>' in html


def test_the_window_costs_at_most_three_queries_and_only_for_a_channel_with_a_rule(
    agent_client, conversation_factory
):
    plain = conversation_factory()
    wechat = wechat_conversation(conversation_factory, sent=2)
    agent_client.get(f"/console/c/{plain.reference}/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as without_rule:
        agent_client.get(f"/console/c/{plain.reference}/")
    with CaptureQueriesContext(connection) as with_rule:
        agent_client.get(f"/console/c/{wechat.reference}/")
    assert len(with_rule) - len(without_rule) <= 3


@pytest.fixture
def tagged_wechat() -> Iterator[None]:
    """WeChat with a Messenger-like tag rule (24 h free, 7 days with HUMAN_AGENT), for as
    long as the test runs; the shipped rules come back after it."""
    reply_window.install(
        {
            Channel.WECHAT: ChannelRule(
                window=timedelta(hours=24), tag="HUMAN_AGENT", tag_window=timedelta(days=7)
            )
        }
    )
    yield
    registry.install()


@pytest.mark.usefixtures("tagged_wechat")
def test_after_the_free_window_the_line_names_the_tag_and_its_end(
    agent_client, conversation_factory
):
    conversation = wechat_conversation(conversation_factory, heard_ago=timedelta(hours=30))
    shown = line(page(agent_client, conversation))
    assert "reply-window-tag" in shown
    assert "a reply goes with the tag HUMAN_AGENT, possible until <time" in shown
    assert "(in 5 days)" in shown  # 5 days 18 hours: one unit, like the SLA badges


def test_a_reply_updates_the_quota_left(agent_client, conversation_factory):
    conversation = wechat_conversation(conversation_factory, sent=18)
    response = agent_client.post(
        f"/console/c/{conversation.reference}/reply/",
        {"text": "好的"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "1 of 20 message left" in line(response.content.decode())
