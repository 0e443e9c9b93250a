"""A closed WeChat reply window in the composer, in headless Chromium against `kefu serve`:
the agent reads why (in their language), picks the customer's email instead, and the
reply appears in the timeline marked as sent by email."""

import pytest

from tests.services import require_chromium
from tests.test_browser import (  # noqa: F401  (server: the fixture)
    ARTIFACTS,
    Server,
    kefu,
    launch,
    server,
    sign_in_agent,
)

pytestmark = pytest.mark.browser

# The fixture's conversation moved to a WeChat inbox, its customer silent for 49 hours:
# past WeChat's 48-hour rule.
WECHAT_CLOSED = """
from datetime import timedelta
from django.utils import timezone
from kefu.conversations.models import Conversation, Message
from kefu.inboxes.models import Channel, Inbox
inbox = Inbox.objects.create(name="WeChat", channel=Channel.WECHAT)
Conversation.objects.update(inbox=inbox, channel=Channel.WECHAT)
Message.objects.update(created_at=timezone.now() - timedelta(hours=49))
"""


def test_a_closed_wechat_window_shows_the_reason_and_sends_by_email_instead(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "shell", script=WECHAT_CLOSED)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in_agent(page, server)
        page.goto(f"{server.url}/console/c/{server.reference}/")
        line = page.locator("#reply-window.reply-window-closed")
        expect(line).to_contain_text("目前无法通过此渠道回复。")
        expect(line).to_contain_text("微信 48 小时规则")
        email = page.get_by_label("邮件 zhang.wei@example.com")
        expect(email).to_be_checked()
        expect(page.locator(".reply-via")).to_contain_text("帮助中心门户")
        page.screenshot(path=str(ARTIFACTS / "reply_window_closed.png"), full_page=True)

        page.fill("#reply-text", "您好，微信会话已超时，我们通过邮件回复您。")
        page.click("#reply-form button[type=submit]")
        sent = page.locator(".msg-outbound").last
        expect(sent).to_contain_text("我们通过邮件回复您")
        expect(sent.locator(".via")).to_have_text("已通过邮件发送")
        browser.close()
