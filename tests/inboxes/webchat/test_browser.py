"""The chat as people use it, in headless Chromium against `kefu serve`.

A customer opens the demo page, starts a chat from the launcher; an agent in a second
browser context answers from the console; the reply appears in the widget without a
reload, with the agent's name and public id. Screenshots go to test-artifacts/.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, totp
from tests.test_browser import server as server  # the fixture, re-exported

pytestmark = pytest.mark.browser

LATEST = """
from kefu.conversations.models import Conversation
print(Conversation.objects.filter(channel="webchat").latest("pk").reference)
"""


def latest_chat_reference(server_dir: Path) -> str:
    import os

    env = {**os.environ, "KEFU_VAR_DIR": str(server_dir), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", LATEST],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()[-1]


def test_a_customer_chats_from_the_demo_page_and_sees_the_agents_answer(server: Server) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        customer = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
        agent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

        page = customer.new_page()
        page.goto(server.url + "/chat/demo/")
        launcher = page.get_by_role("button", name="打开客服聊天")
        expect(launcher).to_be_visible()
        launcher.click()
        page.get_by_label("您需要哪方面的帮助？").select_option("withdrawal_delayed")
        page.get_by_label("邮箱（选填，用于接收回复和聊天记录）").fill("zhang.wei@example.com")
        page.get_by_role("button", name="开始聊天").click()
        message_box = page.get_by_role("textbox", name="输入消息")
        expect(message_box).to_be_focused()
        message_box.fill("USDT 提现两个小时了还没到账")
        message_box.press("Enter")
        expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "chat-customer-waiting.png"))

        reference = latest_chat_reference(server.output.parent)
        console = agent.new_page()
        console.goto(server.url + "/console/")
        console.fill("input[name=username]", "li.na")
        console.fill("input[name=password]", "browser-pass-1")
        console.click("form:has(input[name=password]) button[type=submit]")
        console.fill("input[name=code]", totp(server.totp_key))
        console.click("form:has(input[name=code]) button[type=submit]")
        console.goto(f"{server.url}/console/c/{reference}/")
        expect(
            console.locator("#timeline").get_by_text("USDT 提现两个小时了还没到账")
        ).to_be_visible()
        # The agent has the chat open: the customer's message shows as read.
        expect(page.get_by_text("已读")).to_be_visible(timeout=15_000)
        console.locator("#reply-text").press_sequentially("您好")
        expect(page.get_by_text("客服正在输入…")).to_be_visible(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "chat-customer-typing.png"))
        page.get_by_role("textbox", name="输入消息").press_sequentially("好的")
        expect(console.get_by_text("客户正在输入…")).to_be_visible(timeout=15_000)
        console.fill("#reply-text", "您好，我是李娜，正在为您查询这笔提现。")
        console.get_by_role("button", name="发送回复").click()
        expect(console.locator("#timeline").get_by_text("正在为您查询这笔提现")).to_be_visible()
        console.screenshot(path=str(ARTIFACTS / "chat-console-reply.png"), full_page=True)

        # No reload: the widget hears the reply over its WebSocket.
        expect(page.get_by_text("正在为您查询这笔提现")).to_be_visible(timeout=15_000)
        expect(page.get_by_text("李娜 · KF-")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "chat-customer-answered.png"))

        # The full-page (in-app) mode of the same chat, after a reload: resumed from the
        # session kept in localStorage.
        page.goto(server.url + "/chat/app/")
        expect(page.get_by_text("正在为您查询这笔提现")).to_be_visible(timeout=15_000)
        page.set_viewport_size({"width": 390, "height": 760})
        page.screenshot(path=str(ARTIFACTS / "chat-app-mode.png"))
        browser.close()
