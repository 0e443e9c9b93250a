"""The chat as people use it, in headless Chromium against `kefu serve`.

A customer opens the demo page, starts a chat from the launcher; an agent in a second
browser context answers from the console; the reply appears in the widget without a
reload, with the agent's name and public id. Screenshots go to test-artifacts/.
"""

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, emailed_code, totp
from tests.test_browser import server as server  # the fixture, re-exported

if TYPE_CHECKING:
    from playwright.sync_api import Route

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


EMBED_SETUP = """
from django.core.management import call_command
from kefu.inboxes.models import Channel, Inbox
call_command("helpcenter", "import", stdout=open("/dev/null", "w"))
inbox = Inbox.objects.create(name="Shop chat", channel=Channel.WEBCHAT,
                             config={{"allowed_origins": ["{origin}"]}})
print(inbox.pk)
"""


class ShopPage(BaseHTTPRequestHandler):
    """A page of the operator's own site that embeds the widget."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def answer_with_hostile_snippet(route: "Route") -> None:
    body = {
        "results": [
            {
                "slug": "x",
                "title": "<b>title</b>",
                "snippet": (
                    '&lt;i&gt;escaped&lt;/i&gt; <img src=x onerror="window.owned=1"><mark>zz</mark>'
                ),
                "url": "/help/x/",
            }
        ]
    }
    route.fulfill(
        status=200,
        content_type="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
        body=json.dumps(body),
    )


FIRST_MESSAGE = """
from kefu.conversations.models import Conversation
print(Conversation.objects.filter(channel="webchat").latest("pk").messages.earliest("pk").text)
"""


def shell(server_dir: Path, code: str) -> str:
    import os

    env = {**os.environ, "KEFU_VAR_DIR": str(server_dir), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def test_on_another_site_the_widget_searches_help_and_runs_a_flow_into_the_chat(
    server: Server,
) -> None:
    """The widget embedded on a page of another origin: its help search and flow calls
    go cross-site to the Kefu server, like its chat."""
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # The shop's page on a second little server: another origin (another port).
    shop = ThreadingHTTPServer(("127.0.0.1", 0), ShopPage)
    host_site = f"http://127.0.0.1:{shop.server_address[1]}"
    inbox_id = shell(server.output.parent, EMBED_SETUP.format(origin=host_site)).split()[-1]
    ShopPage.body = (
        '<!doctype html><html lang="zh-CN"><body><h1>Shop</h1>'
        f'<script src="{server.url}/static/webchat/widget.js" data-inbox="{inbox_id}" async>'
        "</script></body></html>"
    ).encode()
    threading.Thread(target=shop.serve_forever, daemon=True).start()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.goto(host_site + "/shop/")
        page.get_by_role("button", name="打开客服聊天").click()

        search = page.get_by_label("搜索帮助中心")
        expect(search).to_be_focused()
        # A snippet is rebuilt from text: escaped markup stays words, other elements
        # than <mark> are dropped to their text, and nothing in them runs.
        page.route(f"{server.url}/api/v1/help/search?*q=zz*", answer_with_hostile_snippet)
        search.press_sequentially("zz", delay=60)
        results = page.locator("#kefu-help-results")
        expect(results.locator("mark")).to_have_text("zz")
        expect(results).to_contain_text("<b>title</b>")
        expect(results).to_contain_text("<i>escaped</i>")
        assert results.locator("img").count() == 0
        assert page.evaluate("window.owned") is None
        search.fill("")

        # Search as you type, in Chinese: one character is enough to ask.
        search.press_sequentially("提现", delay=60)
        expect(results.locator("li").first).to_be_visible(timeout=10_000)
        expect(results.locator("mark").first).to_contain_text("提现")
        count = results.locator("li").count()
        assert 1 <= count <= 5
        expect(page.get_by_role("status").filter(has_text="篇文章")).to_have_text(
            f"找到 {count} 篇文章"
        )
        first = results.locator("a").first
        assert (first.get_attribute("href") or "").startswith(server.url + "/help/")
        assert first.get_attribute("target") == "_blank"
        search.press("ArrowDown")
        expect(first).to_be_focused()
        page.screenshot(path=str(ARTIFACTS / "chat-widget-help-search.png"))

        # The topic has a guided flow: run it before asking for a person.
        page.get_by_label("您需要哪方面的帮助？").select_option("withdrawal_delayed")
        page.get_by_role("button", name="先自助查询我的问题").click()
        answer = page.locator("#kefu-flow-input")
        expect(answer).to_be_visible(timeout=10_000)
        answer.fill("12345")
        page.get_by_role("button", name="继续").click()
        expect(page.get_by_role("alert")).to_contain_text("W-1042")  # the server's message
        answer.fill("W-1042")
        page.get_by_role("button", name="继续").click()
        # Without an account there are no records to look up: the general answer.
        expect(page.locator(".flow-step p")).to_contain_text("48 小时", timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "chat-widget-flow-step.png"))
        page.get_by_role("button", name="我仍需要帮助").click()
        talk = page.get_by_role("button", name="联系人工客服")
        expect(talk).to_be_focused()
        # The chat is the channel: no address is asked, and the answer comes here.
        expect(page.locator(".flow-step p")).to_contain_text("客服会在这个聊天窗口里回复您")
        page.screenshot(path=str(ARTIFACTS / "chat-widget-flow-handoff.png"))
        talk.click()

        message_box = page.get_by_role("textbox", name="输入消息")
        message_box.fill("还是没到账")
        message_box.press("Enter")
        expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)
        browser.close()
    shop.shutdown()
    shop.server_close()

    text = shell(server.output.parent, FIRST_MESSAGE)
    assert "reference: W-1042" in text
    assert text.strip().endswith("还是没到账")


def test_the_transcript_goes_to_an_address_the_customer_proves_with_the_mailed_code(
    server: Server,
) -> None:
    """Every step by keyboard, in traditional Chinese: ask, read the code, type it."""
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="zh-TW", viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.goto(server.url + "/chat/demo/")
        page.get_by_role("button", name="開啟客服聊天").click()
        page.get_by_role("button", name="開始聊天").click()
        message_box = page.get_by_role("textbox", name="輸入訊息")
        message_box.fill("提現 W-1042 還沒到帳")
        message_box.press("Enter")
        expect(page.get_by_text("已送達")).to_be_visible(timeout=15_000)

        address = page.get_by_label("接收聊天記錄的電子郵件")
        expect(address).to_be_visible()
        address.fill("zhang.wei@example.com")
        address.press("Enter")
        expect(page.get_by_text("驗證碼已傳送到 zhang.wei@example.com")).to_be_visible(
            timeout=15_000
        )
        code_box = page.get_by_label("電子郵件中的驗證碼")
        expect(code_box).to_be_focused()
        page.screenshot(path=str(ARTIFACTS / "chat-transcript-code.png"))
        code = emailed_code(server.output)
        # The code mail carries none of the chat: it went to an address not yet proved.
        assert "W-1042" not in server.output.read_text()

        code_box.press_sequentially(code)
        code_box.press("Enter")
        expect(page.get_by_text("聊天記錄正在寄送到您的信箱。")).to_be_visible(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "chat-transcript-sent.png"))
        browser.close()
    deadline = time.monotonic() + 20
    while "W-1042" not in server.output.read_text():
        assert time.monotonic() < deadline, "the transcript was not mailed"
        time.sleep(0.3)


def test_a_message_the_server_refuses_for_good_is_shown_as_not_sent_and_not_retried(
    server: Server,
) -> None:
    """U+0000 cannot be stored: the refusal is final, so the widget must not resend it."""
    chromium = require_chromium()
    from playwright.sync_api import WebSocket, expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(locale="zh-CN").new_page()
        sent: list[dict[str, object]] = []

        def record(socket: WebSocket) -> None:
            socket.on("framesent", lambda payload: sent.append(json.loads(payload)))

        page.on("websocket", record)
        page.goto(server.url + "/chat/demo/")
        page.get_by_role("button", name="打开客服聊天").click()
        page.get_by_role("button", name="开始聊天").click()
        message_box = page.get_by_role("textbox", name="输入消息")
        message_box.fill("提现\x00没到账")
        message_box.press("Enter")
        refused = page.locator("li[data-refused]")
        expect(refused).to_contain_text("未发送", timeout=15_000)
        expect(refused).to_contain_text("提现")  # the customer still has what they typed
        expect(page.get_by_text("这条消息含有无法发送的字符（U+0000）")).to_be_visible()
        outbox = page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('kefu-chat:'))"
            ".map(k => JSON.parse(localStorage.getItem(k)).outbox)"
        )
        assert outbox == [[]]  # nothing left to resend
        message_box.fill("提现没到账")
        message_box.press("Enter")
        expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)
        page.screenshot(path=str(ARTIFACTS / "chat-refused-message.png"))
        browser.close()
    refused_sends = [f for f in sent if f.get("type") == "message" and "\x00" in str(f["text"])]
    assert len(refused_sends) == 1


def test_the_widget_says_why_a_file_is_refused(server: Server) -> None:
    """Too large: refused before sending (413's words); a wrong type: the server's 415."""
    chromium = require_chromium()
    from playwright.sync_api import FilePayload, expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(locale="zh-CN").new_page()
        uploads: list[int] = []
        page.on(
            "response",
            lambda answer: uploads.append(answer.status) if "/chat/upload/" in answer.url else None,
        )
        page.goto(server.url + "/chat/demo/")
        page.get_by_role("button", name="打开客服聊天").click()
        page.get_by_role("button", name="开始聊天").click()
        expect(page.get_by_role("textbox", name="输入消息")).to_be_visible()
        file_input = page.locator("#kefu-file")
        program = FilePayload(name="tool.png", mimeType="image/png", buffer=b"MZ\x90\x00" * 64)
        file_input.set_input_files(program)
        expect(
            page.get_by_text("无法发送此类型的文件：仅支持图片、PDF 和纯文本文件。")
        ).to_be_visible(timeout=15_000)
        assert uploads == [415]
        too_large = FilePayload(
            name="scan.pdf",
            mimeType="application/pdf",
            buffer=b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024),
        )
        file_input.set_input_files(too_large)
        expect(page.get_by_text("文件过大，无法发送：每个文件最大 10 MB。")).to_be_visible()
        assert uploads == [415]  # refused before a byte was sent
        page.screenshot(path=str(ARTIFACTS / "chat-file-refused.png"))
        browser.close()
