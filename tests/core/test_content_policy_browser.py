"""Every kind of page under its Content-Security-Policy, in a real Chromium.

A policy that breaks a page is found only by loading the page: a browser refuses what
the policy does not allow and reports it (`securitypolicyviolation`). The test visits
each kind of page people use — console sign-in, inbox, a conversation with an email, an
htmx action, queue, safety alerts, error pages, Django's admin, the API docs, the portal
with its tickets and printable record, the help center and its guided flows, the chat
demo with the widget open, the full-page chat — checks that each came with a policy,
that it works, and that nothing at all was refused.
"""

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kefu.core.content_policy import HEADER
from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, emailed_code, kefu, sign_in_customer, totp
from tests.test_browser import server as server  # the fixture, re-exported

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Response

pytestmark = pytest.mark.browser

PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PHRASE = " ".join(["abandon"] * 11 + ["about"])

SEED = f"""
import json
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat.views import webchat_inbox
boss = Agent.objects.create_user(username="wang.fang", password="browser-pass-2", role=Role.ADMIN,
    display_name="王芳", language="zh-Hans", is_staff=True, is_superuser=True)
device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
mail = Inbox.objects.create(name="Support mail", channel=Channel.EMAIL)
html = ('<p>您好，<b>提現</b>還沒到帳。</p><img src="data:image/png;base64,{PIXEL}" alt="截圖">'
        '<p><a href="https://explorer.example.com/tx/0xabc">交易記錄</a></p>')
message = receive_message(InboundMessage(inbox=mail, identity_kind="email",
    identity_value="chen.jie@example.tw", contact_name="陳傑", subject="提現三天沒到帳",
    text="您好，提現還沒到帳。", html=html, language="zh-Hant"))
receive_message(InboundMessage(inbox=mail, identity_kind="email", identity_value="lost@example.com",
    subject="wallet", text="my words are {PHRASE} please help"))
print(json.dumps({{"key": device.key, "email": message.conversation.reference,
                  "chat_inbox": webchat_inbox().pk, "inbox": mail.pk}}))
"""

# Runs in every page before its own scripts; the binding reaches the test through the
# browser's debugging protocol, so the page's policy cannot stop the report itself.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = event.target instanceof Element ? event.target.outerHTML.slice(0, 120) : "";
  window.reportViolation(location.href, event.violatedDirective, event.blockedURI || "inline",
                         `${event.sourceFile}:${event.lineNumber}`, where);
});
"""


class Watch:
    """What the browser refused, and which pages came without a policy."""

    def __init__(self) -> None:
        self.violations: list[tuple[str, ...]] = []
        self.documents: dict[str, str | None] = {}

    def attach(self, context: "BrowserContext") -> None:
        context.expose_binding(
            "reportViolation", lambda _source, *report: self.violations.append(report)
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("response", self.on_response)

    def on_response(self, response: "Response") -> None:
        # Redirects are left out: the browser renders the page they lead to.
        if response.request.resource_type == "document" and not 300 <= response.status < 400:
            self.documents[response.url] = response.headers.get(HEADER.lower())


def visit(page: "Page", url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == status, url
    page.wait_for_load_state("networkidle")


def test_every_kind_of_page_works_under_its_content_security_policy(server: Server) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    seeded: dict[str, Any] = json.loads(kefu(server, "shell", script=SEED).splitlines()[-1])
    kefu(server, "helpcenter", "import")
    base = server.url
    watch = Watch()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        agent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        customer = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
        for context in (agent, customer):
            watch.attach(context)

        console = agent.new_page()
        visit(console, base + "/console/")
        console.fill("input[name=username]", "wang.fang")
        console.fill("input[name=password]", "browser-pass-2")
        console.click("form:has(input[name=password]) button[type=submit]")
        console.fill("input[name=code]", totp(seeded["key"]))
        console.click("form:has(input[name=code]) button[type=submit]")
        expect(console.get_by_text("提現三天沒到帳")).to_be_visible()
        expect(console.locator("[data-live-status]")).to_have_class(re.compile(r"\bis-live\b"))

        visit(console, f"{base}/console/c/{seeded['email']}/")
        expect(console.get_by_text("您好，提現還沒到帳。")).to_be_visible()
        expect(console.get_by_role("img", name="截圖")).to_be_visible()
        console.get_by_role("button", name="分配给我").click()  # htmx swaps the panel
        expect(console.locator("#details")).to_contain_text("王芳")
        console.screenshot(path=str(ARTIFACTS / "csp-console-email.png"), full_page=True)
        visit(console, base + "/console/safety/alerts/")
        expect(console.locator("main")).to_contain_text("K-")
        for path in ("/console/queue/", "/console/help/deflection/"):
            visit(console, base + path)
        visit(console, base + "/console/c/K-999999/", status=404)

        visit(console, base + "/admin/")
        visit(console, base + "/admin/core/auditentry/")  # no actions: Django's inline style
        visit(console, f"{base}/admin/inboxes/inbox/{seeded['inbox']}/change/")
        visit(console, base + "/admin/helpcenter/article/")
        visit(console, base + "/api/docs")
        expect(console.locator(".swagger-ui .info .title")).to_be_visible()
        console.screenshot(path=str(ARTIFACTS / "csp-api-docs.png"))

        page = customer.new_page()
        visit(page, base + "/portal/")
        page.fill("input[name=email]", "zhang.wei@example.com")
        page.click("form[action$='/sign-in/'] button[type=submit]")
        page.fill("input[name=code]", emailed_code(server.output))
        page.click("form[action$='/sign-in/code/'] button[type=submit]")
        for path in (
            "/portal/tickets/",
            f"/portal/tickets/{server.reference}/",
            f"/portal/tickets/{server.reference}/record.html",
            "/portal/tickets/new/",
            "/portal/security/",
            "/portal/verify/?q=KF-7Q2M9A",
        ):
            visit(page, base + path)
        visit(page, f"{base}/portal/tickets/{server.reference}/record.html")
        expect(page.locator(".entry").first).to_have_css("border-left-style", "solid")

        visit(page, base + "/help/")
        page.fill("#help-q", "提币没到账")  # results while typing, from help-search.js
        expect(page.locator(".help-suggestions li a").first).to_be_visible()
        for path in ("/help/flows/", "/help/search/?q=提现"):
            visit(page, base + path)
        page.locator("main a[href*='/help/articles/']").first.click()
        page.wait_for_load_state("networkidle")
        visit(page, base + "/help/flows/withdrawal_delayed/")
        page.get_by_role("button", name="开始").click()
        page.wait_for_load_state("networkidle")
        visit(page, base + "/help/articles/no-such-article/", status=404)

        visit(page, base + "/chat/demo/")
        page.get_by_role("button", name="打开客服聊天").click()
        page.get_by_label("您需要哪方面的帮助？").select_option("withdrawal_delayed")
        page.get_by_role("button", name="开始聊天").click()
        page.get_by_role("textbox", name="输入消息").fill("USDT 提现还没到账")
        page.get_by_role("textbox", name="输入消息").press("Enter")
        expect(page.get_by_text("已送达")).to_be_visible(timeout=15_000)  # over the WebSocket
        page.screenshot(path=str(ARTIFACTS / "csp-chat-demo.png"))
        visit(page, f"{base}/chat/app/?inbox={seeded['chat_inbox']}")
        expect(page.get_by_text("USDT 提现还没到账")).to_be_visible()  # the same chat, resumed
        visit(page, base + "/no-such-page/", status=404)
        browser.close()

    assert watch.violations == [], "\n".join(" ".join(v) for v in watch.violations)
    missing = [url for url, policy in watch.documents.items() if not policy]
    assert missing == []
    assert len(watch.documents) >= 25


def test_the_printable_record_saved_to_disk_keeps_its_look(server: Server, tmp_path: Path) -> None:
    """The record's inline style carries the nonce; opened from a file it still applies."""
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        sign_in_customer(page, server)
        record = page.request.get(
            f"{server.url}/portal/tickets/{server.reference}/record.html?download=1"
        )
        saved = tmp_path / "record.html"
        saved.write_bytes(record.body())
        page.goto(saved.as_uri())
        expect(page.locator(".entry").first).to_have_css("border-left-style", "solid")
        browser.close()
