"""The composer's "/" shortcut in headless Chromium against `kefu serve`: typing "/prog"
opens the listbox, the arrow and Enter keys insert the reply written for this conversation,
and the insertion is counted."""

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

# Two personal replies of the fixture's agent, li.na; the conversation's number filled in.
REPLIES = """
from kefu.agents.models import Agent
from kefu.canned.actions import CannedInput, create_canned_reply
from kefu.core.languages import Language
agent = Agent.objects.get(username="li.na")
for shortcut, title, text in (
    ("progress", "In progress", "工单 {{ticket}} 正在处理中。"),
    ("pending", "Pending", "您的提现正在处理。"),
):
    create_canned_reply(actor=agent, data=CannedInput(
        title=title, shortcut=shortcut, scope="personal",
        bodies={Language.ZH_HANS: text, Language.ZH_HANT: text, Language.EN: text},
    ))
"""

USES = """
from kefu.canned.models import CannedReply
print(CannedReply.objects.get(shortcut="progress").usage_count)
"""


def test_slash_opens_the_list_and_enter_inserts_the_filled_reply(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "shell", script=REPLIES)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        sign_in_agent(page, server)
        page.goto(f"{server.url}/console/c/{server.reference}/")
        box = page.locator("#reply-text")
        box.click()
        box.press_sequentially("好的 /p")
        listbox = page.locator("#canned-listbox")
        expect(listbox).to_be_visible()
        expect(listbox.locator("[role=option]")).to_have_count(2)
        expect(box).to_have_attribute("aria-expanded", "true")
        box.press_sequentially("ro")
        expect(listbox.locator("[role=option]")).to_have_count(1)
        expect(box).to_have_attribute("aria-activedescendant", "canned-listbox-0")
        box.press("Enter")
        expect(box).to_have_value(f"好的 工单 {server.reference} 正在处理中。")
        expect(listbox).to_be_hidden()
        page.screenshot(path=str(ARTIFACTS / "console-canned-shortcut.png"), full_page=True)
        # Escape closes without inserting.
        box.press_sequentially(" /pen")
        expect(listbox).to_be_visible()
        box.press("Escape")
        expect(listbox).to_be_hidden()
        expect(box).to_have_value(f"好的 工单 {server.reference} 正在处理中。 /pen")
        browser.close()
    assert kefu(server, "shell", script=USES).split()[-1] == "1"
