"""An L1 agent freezes a stolen account and opens an unfreeze case, in headless Chromium
against `kefu serve`, in the agent's language (zh-Hans)."""

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

# The fixture's customer has a platform account, and says it was stolen.
STOLEN = """
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoAccount
conversation = Conversation.objects.get()
DemoAccount.objects.create(user_id="u-777", registered_name="张伟",
                           email="zhang.wei@example.com", phone="+8613800138000")
ContactIdentity.objects.create(contact=conversation.contact, kind=IdentityKind.PLATFORM_USER,
                               value="u-777", verified=True)
Conversation.objects.update(intent="account_stolen")
"""


def test_an_agent_freezes_then_opens_an_unfreeze_case(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "shell", script=STOLEN)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1100})
        page = context.new_page()
        sign_in_agent(page, server)
        page.goto(f"{server.url}/console/c/{server.reference}/")

        page.locator(".freeze-form summary").click()
        page.fill("#freeze-note", "客户称凌晨有陌生设备登录")
        page.locator("input[name=confirmed]").check()
        page.locator(".freeze-form button[type=submit]").click()

        expect(page.locator(".platform .account-frozen")).to_be_visible()
        expect(page.locator(".conv-main")).to_contain_text("客户称凌晨有陌生设备登录")
        expect(page.locator(".platform")).to_contain_text("解冻需要一个已批准的验证工单。")

        page.get_by_role("button", name="发起解冻验证工单").click()
        panel = page.locator("#verification-panel")
        expect(panel.locator(".vcase")).to_have_count(1)
        expect(panel).to_contain_text("发送验证码到注册邮箱")
        expect(panel).to_contain_text("身份证件")
        ARTIFACTS.mkdir(exist_ok=True)
        # The sidebar scrolls on its own: bring the panel into the shot.
        panel.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "console-verification.png"))
        browser.close()
