"""Collision detection between two agents' browsers, in headless Chromium against `kefu serve`.

Two browser contexts are two agents on one conversation: the second sees the first
viewing and typing, the first replies, and the second's reply, written on the page as it
was, is held back with what was sent and goes out only on "send anyway".
"""

import pytest

from tests.services import require_chromium
from tests.test_browser import (  # noqa: F401  (server: the fixture)
    ARTIFACTS,
    Server,
    kefu,
    launch,
    server,
    sign_in_agent,
    totp,
)

pytestmark = pytest.mark.browser

SECOND_AGENT = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
agent = Agent.objects.create_user(username="wang.fang", password="browser-pass-2", role=Role.L1,
                                  display_name="王芳", language="zh-Hans")
print(TOTPDevice.objects.create(user=agent, name="phone", confirmed=True).key)
"""


def test_the_second_agent_sees_the_first_and_is_warned_before_replying_over_them(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    second_key = kefu(server, "shell", script=SECOND_AGENT).split()[-1]
    page_url = f"{server.url}/console/c/{server.reference}/"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        first, second = (
            browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
            for _ in range(2)
        )
        sign_in_agent(first, server)
        second.goto(server.url + "/console/")
        second.fill("input[name=username]", "wang.fang")
        second.fill("input[name=password]", "browser-pass-2")
        second.click("form:has(input[name=password]) button[type=submit]")
        second.fill("input[name=code]", totp(second_key))
        second.click("form:has(input[name=code]) button[type=submit]")
        for page in (first, second):
            expect(page.locator("[data-live-status].is-live")).to_have_count(1, timeout=15_000)
            page.goto(page_url)
            expect(page.locator("[data-live-status].is-live")).to_have_count(1, timeout=15_000)

        # Each sees the other viewing, never themselves.
        bar = second.locator("#collision-bar")
        expect(bar).to_be_visible()
        expect(bar.locator(".collision-viewers")).to_contain_text("也在查看：")
        expect(bar.locator(".collision-viewers")).to_contain_text("李娜")
        expect(bar.locator(".collision-viewers")).not_to_contain_text("王芳")
        expect(first.locator("#collision-bar .collision-viewers")).to_contain_text("王芳")

        # The second agent starts a reply while the first is typing one.
        second.fill("#reply-text", "您好，我们正在核查您的提现。")
        first.locator("#reply-text").press_sequentially("您好，提现已到账")
        expect(bar.locator(".collision-activity")).to_contain_text("李娜 正在输入回复…")
        first.click("#reply-form button[type=submit]")
        expect(first.locator("#timeline")).to_contain_text("您好，提现已到账")
        expect(bar.locator(".collision-activity")).to_contain_text("李娜 刚刚回复了客户。")

        # The second agent's page still shows the form as it was: the send is held back.
        second.click("#reply-form button[type=submit]:not([name])")
        warning = second.locator("#reply-form .alert-error")
        expect(warning).to_contain_text("已有 1 条回复发出")
        replies = second.locator("#reply-form .collision-replies")
        expect(replies).to_contain_text("李娜")
        expect(replies).to_contain_text("您好，提现已到账")
        expect(second.locator("#reply-text")).to_have_value("您好，我们正在核查您的提现。")
        second.screenshot(path=str(ARTIFACTS / "console-collision-warning.png"), full_page=True)
        expect(second.locator("#timeline")).not_to_contain_text("您好，我们正在核查您的提现。")

        second.click("#reply-form button[name=send_anyway]")
        expect(second.locator("#timeline")).to_contain_text("您好，我们正在核查您的提现。")
        expect(second.locator("#reply-form .collision-replies")).to_have_count(0)
        browser.close()
