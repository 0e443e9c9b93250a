"""An email full of remote-image tricks, opened by an agent in a real Chromium.

The sanitizer's unit table says what it keeps; only a browser says what is fetched. The
agent's page must make no request to any host but Kefu's own, and must owe that to the
sanitizer alone: the page's Content-Security-Policy is a second wall, so a URL it had to
block (reported as a violation) counts as a failure too. `cid:` images are kept for a
later rewrite to attachment links; a browser cannot fetch them, so only they may be
reported.
"""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.conversations.test_html import FETCHING_MARKUP, REMOTE_URLS
from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, totp
from tests.test_browser import server as server  # the fixture, re-exported

pytestmark = pytest.mark.browser

HOSTILE_EMAIL = """
import json, sys
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
inbox = Inbox.objects.create(name="Support mail", channel=Channel.EMAIL)
html = json.loads(sys.stdin.read())
message = receive_message(InboundMessage(inbox=inbox, identity_kind="email",
    identity_value="victim@example.com", contact_name="王小明", subject="提现没到账，截图见附件",
    text="提现没到账，截图见附件", html=html))
print(message.conversation.reference)
"""

# Reports every policy violation the page sees, before any of the page's own scripts run.
VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.blockedURI + " " + event.violatedDirective);
});
"""


def hostile_html() -> str:
    images = "".join(f'<img src="{url}" alt="{n}">' for n, url in enumerate(REMOTE_URLS))
    links = (
        '<a href="data:text/html,<script>alert(1)</script>">data link</a>'
        '<a href="java\tscript:alert(1)">script link</a>'
        '<a href="//evil.test/phish">scheme-relative link</a>'
    )
    return "<p>请看截图</p>" + images + "".join(FETCHING_MARKUP) + links + '<img src="cid:a@b">'


def seed_email(server: Server) -> str:
    env = {
        **os.environ,
        "KEFU_VAR_DIR": str(server.output.parent),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
    }
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "shell", "-c", HOSTILE_EMAIL],
        env=env,
        input=json.dumps(hostile_html()),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.split()[-1]


def test_opening_an_email_with_remote_image_tricks_fetches_nothing_from_other_hosts(
    server: Server,
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import Route, expect, sync_playwright

    reference = seed_email(server)
    own = urlsplit(server.url).netloc
    elsewhere: list[str] = []

    def refuse_other_hosts(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:  # recorded and never sent: the test needs no network
            elsewhere.append(route.request.url)
            route.abort()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.route("**/*", refuse_other_hosts)
        context.add_init_script(VIOLATIONS)
        page = context.new_page()
        page.goto(server.url + "/console/")
        page.fill("input[name=username]", "li.na")
        page.fill("input[name=password]", "browser-pass-1")
        page.click("form:has(input[name=password]) button[type=submit]")
        page.fill("input[name=code]", totp(server.totp_key))
        page.click("form:has(input[name=code]) button[type=submit]")
        page.goto(f"{server.url}/console/c/{reference}/")
        expect(page.get_by_text("请看截图")).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "console-hostile-email.png"), full_page=True)
        violations = page.evaluate("window.__violations")
        browser.close()

    assert elsewhere == []
    # A policy report names only the scheme of a URL that is not fetched over the network.
    assert [v for v in violations if v.split()[0] not in ("cid", "cid:")] == []
