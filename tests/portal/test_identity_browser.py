"""A customer walks an identity verification case in headless Chromium against `kefu
serve`: from the box on their ticket to the case, a code sent by the demo platform to
their registered email, typed back, and the check passed."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, KEFU, Server, emailed_code, kefu, server_env, serving

pytestmark = pytest.mark.browser

# A customer with a demo platform account and an unlock case an agent opened on their
# ticket; prints the ticket's reference.
SETUP = """
from kefu.agents.models import Agent, Role
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.portal.inbound import portal_inbox
from kefu.platform.models import DemoAccount
from kefu.verification import actions
message = receive_message(InboundMessage(inbox=portal_inbox(), identity_kind="email",
    identity_value="wang.fang@example.com", contact_name="王芳", subject="账户被锁",
    text="我的账户被锁了，无法登录", intent="account_locked", language="zh-Hans"))
account = DemoAccount.objects.create(user_id="u-77001", registered_name="王芳",
    email="wang.fang.registered@example.com", phone="+8613900139000")
ContactIdentity.objects.create(contact=message.conversation.contact,
    kind=IdentityKind.PLATFORM_USER, value=account.user_id, verified=True)
agent = Agent.objects.create_user(username="zhao.lei", password="browser-pass-2",
    role=Role.L1, display_name="赵磊")
actions.open_case(conversation=message.conversation, agent=agent, kind="unlock")
print(message.conversation.reference)
"""

LAST_CODE = """
from kefu.platform.models import DemoNotice
notice = DemoNotice.objects.filter(template="verification_code", channel="email").first()
print(notice.params["code"])
"""


@pytest.fixture
def case_server(tmp_path: Path) -> Iterator[Server]:
    env = server_env(tmp_path)
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*KEFU, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    reference = setup.stdout.split()[-1]
    output = tmp_path / "server.log"
    with serving(env, output) as url:
        yield Server(url, output, "", reference)


def test_a_customer_passes_the_email_code_of_an_unlock_case(
    case_server: Server, tmp_path: Path
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(case_server.url + "/portal/")
        page.fill("input[name=email]", "wang.fang@example.com")
        page.click("form[action$='/sign-in/'] button[type=submit]")
        page.fill("input[name=code]", emailed_code(case_server.output))
        page.click("form[action$='/sign-in/code/'] button[type=submit]")

        page.goto(f"{case_server.url}/portal/tickets/{case_server.reference}/")
        box = page.locator(".identity-in-progress")
        expect(box).to_contain_text("身份验证进行中")
        box.get_by_role("link", name="继续").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("解锁账户")

        email_check = page.locator(".identity-check").first
        email_check.get_by_role("button", name="发送验证码").click()
        expect(page.locator(".code-sent").first).to_contain_text("验证码已发送至")
        code = kefu(case_server, "shell", script=LAST_CODE).split()[-1]
        page.locator(".identity-check").first.locator("input[name=code]").fill(code)
        page.locator(".identity-check").first.get_by_role("button", name="验证", exact=True).click()
        expect(page.locator(".identity-check").first.locator(".check-mark")).to_be_visible()
        expect(page.get_by_text("客服绝不会通过聊天、电话或邮件向您索要验证码")).to_be_visible()

        picture = tmp_path / "identity-case.png"
        page.screenshot(path=str(picture), full_page=True)
        ARTIFACTS.mkdir(exist_ok=True)  # kept for a person to look at, like the others
        shutil.copy(picture, ARTIFACTS / "portal-identity-case.png")
        browser.close()
