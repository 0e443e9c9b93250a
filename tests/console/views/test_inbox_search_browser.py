"""The inbox search and the phone-width inbox in headless Chromium against `kefu serve`."""

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

# Beside the fixture's conversation (subject "USDT 提现没到账"): a chat customer who
# typed the sentence without spaces and left only an email, and two that do not match.
MORE = """
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.portal.inbound import portal_inbox
mail = Inbox.objects.create(name="Support mail", channel=Channel.EMAIL)
receive_message(InboundMessage(inbox=mail, identity_kind="email",
    identity_value="wang.fang@example.com", text="我的提现还没到账，已经两天了"))
receive_message(InboundMessage(inbox=portal_inbox(), identity_kind="email",
    identity_value="chen.jie@example.com", contact_name="陈杰", text="怎么修改绑定的手机号"))
receive_message(InboundMessage(inbox=mail, identity_kind="email",
    identity_value="zhao.lei@example.com", subject="Login failed",
    text="I cannot log in since this morning, the app says my password is wrong"))
"""


def test_an_agent_finds_a_chinese_word_and_the_inbox_fits_a_phone(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "shell", script=MORE)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = phone.new_page()
        sign_in_agent(page, server)

        rows = page.locator(".inbox-row")
        expect(rows).to_have_count(4)
        # The chat customer with no name is shown by the email they gave.
        expect(page.locator(".customer-name", has_text="wang.fang@example.com")).to_be_visible()
        # Nothing is cut off or scrolls sideways at phone width.
        overflow = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert overflow[0] <= overflow[1]
        page.screenshot(path=str(ARTIFACTS / "console-inbox-phone.png"), full_page=True)

        page.fill("input[name=q]", "提现")
        page.press("input[name=q]", "Enter")
        expect(rows).to_have_count(2)
        expect(page.locator(".search-snippet mark").first).to_have_text("提现")
        expect(page.get_by_text("已经两天了")).to_be_visible()
        expect(page.get_by_text("怎么修改绑定的手机号")).to_have_count(0)
        assert "q=%E6%8F%90%E7%8E%B0" in page.url
        page.screenshot(path=str(ARTIFACTS / "console-search-phone.png"), full_page=True)

        # The search keeps to the filters: only the mailed conversation is by email.
        page.select_option("select[name=channel]", "email")
        expect(rows).to_have_count(1)
        expect(page.locator(".customer-name")).to_have_text("wang.fang@example.com")
        channels = page.locator("select[name=channel] option").evaluate_all(
            "options => options.map(o => o.value)"
        )
        assert channels == ["", "email", "portal"]
        browser.close()
