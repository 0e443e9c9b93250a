"""The demo as the README tells people to try it, in headless Chromium against `kefu serve`.

`kefu demo` data, nobody signed in: a visitor's chat waits and the widget says why. Li Na
signs in to the console and takes it at once. With her only slot taken, a second
visitor waits with an estimate, and gets her as soon as she resolves the first chat.
Screenshots go to test-artifacts/.
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kefu.demo.loader import DEMO_PASSWORD
from tests.test_browser import ARTIFACTS, KEFU, launch, server_env, serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# One chat at a time, so that the second visitor has to wait for her.
ONE_SLOT = """
from kefu.agents.models import Agent
Agent.objects.filter(username="li.na").update(max_concurrent=1)
"""


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    env = server_env(tmp_path)
    for command in (["migrate", "-v0"], ["demo"], ["shell", "-c", ONE_SLOT]):
        subprocess.run([*KEFU, *command], env=env, check=True, capture_output=True)
    with serving(env, tmp_path / "server.log") as url:
        yield url


def start_chat(browser: "Browser", url: str, text: str) -> "Page":
    from playwright.sync_api import expect

    page = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 760}).new_page()
    page.goto(url + "/chat/demo/")
    page.get_by_role("button", name="打开客服聊天").click()
    page.get_by_label("您需要哪方面的帮助？").select_option("withdrawal_delayed")
    page.get_by_role("button", name="开始聊天").click()
    message_box = page.get_by_role("textbox", name="输入消息")
    message_box.fill(text)
    message_box.press("Enter")
    expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)
    return page


def test_a_demo_chat_is_picked_up_and_the_widget_shows_the_wait(demo_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        first = start_chat(browser, demo_url, "USDT 提现两个小时了还没到账")
        # The demo agents are set online, but nobody has the console open: say so.
        expect(first.get_by_text("目前没有客服在线")).to_be_visible(timeout=15_000)
        first.screenshot(path=str(ARTIFACTS / "demo-chat-nobody-online.png"))

        agent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        console = agent.new_page()
        console.goto(demo_url + "/console/")
        console.fill("input[name=username]", "li.na")
        console.fill("input[name=password]", DEMO_PASSWORD)
        console.click("form:has(input[name=password]) button[type=submit]")
        console.fill("input[name=code]", "lina00demo")
        console.click("form:has(input[name=code]) button[type=submit]")
        # Opening the console makes her present: she takes the waiting chat at once.
        expect(first.get_by_text("客服 李娜（工号 KF-")).to_be_visible(timeout=15_000)
        first.screenshot(path=str(ARTIFACTS / "demo-chat-picked-up.png"))

        second = start_chat(browser, demo_url, "我的提现被拒绝了，怎么办？")
        expect(second.get_by_text("您当前排在第 1 位。")).to_be_visible(timeout=15_000)
        expect(second.get_by_text("预计等待约 10 分钟。")).to_be_visible()
        second.screenshot(path=str(ARTIFACTS / "demo-chat-waiting-estimate.png"))

        # She resolves the first chat: her freed slot goes to the second visitor.
        console.goto(demo_url + "/console/")
        console.get_by_text("USDT 提现两个小时了还没到账").first.click()
        console.select_option("#status-select", "resolved")
        console.click("form:has(#status-select) button[type=submit]")
        expect(second.get_by_text("客服 李娜（工号 KF-")).to_be_visible(timeout=15_000)
        second.screenshot(path=str(ARTIFACTS / "demo-chat-second-picked-up.png"))
        console.goto(demo_url + "/console/")
        console.screenshot(path=str(ARTIFACTS / "demo-console-inbox.png"), full_page=True)
        browser.close()
