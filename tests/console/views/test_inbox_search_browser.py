"""The inbox search and the phone-width inbox in headless Chromium against `kefu serve`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, server, totp  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

# Beside the fixture's conversation (subject "USDT 提现没到账"): a chat customer who
# typed the sentence without spaces and left only an email, and two that do not match.
MORE = """
from kefu.conversations.actions import receive_message
from kefu.inboxes.base import InboundMessage
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


def _add_conversations(tmp_path: Path) -> None:
    # The server fixture keeps its SQLite file under the test's tmp_path.
    env = {**os.environ, "KEFU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", MORE],
        env=env,
        check=True,
        capture_output=True,
    )


def test_an_agent_finds_a_chinese_word_and_the_inbox_fits_a_phone(
    server: Server,  # noqa: F811
    tmp_path: Path,
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    _add_conversations(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto(server.url + "/console/")
        page.fill("input[name=username]", "li.na")
        page.fill("input[name=password]", "browser-pass-1")
        page.click("form:has(input[name=password]) button[type=submit]")
        page.fill("input[name=code]", totp(server.totp_key))
        page.click("form:has(input[name=code]) button[type=submit]")

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
