"""The verification page in headless Chromium against `kefu serve` with `kefu demo` data:
the demo's official channels and the site's own address answer "official", an imitation
of the address does not, and the help center home leads to the guided flows."""

import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from kefu.core import children
from kefu.safety.demo_data import CHANNELS
from kefu.safety.models import OfficialKind
from tests.processes import KEFU, free_port, site, wait_for
from tests.services import require_chromium
from tests.test_browser import ARTIFACTS

pytestmark = pytest.mark.browser

SENDER = "support@kefu.example"  # KEFU_FROM_EMAIL's default: official with no row


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[str]:
    """`kefu demo`, then `kefu serve` on a free port with no KEFU_SITE_URL set."""
    with site("sqlite", tmp_path, KEFU_LOG_LEVEL="WARNING") as place:
        for name in ("KEFU_SITE_URL", "KEFU_FROM_EMAIL", "KEFU_REDIS_URL"):
            place.env.pop(name, None)
        subprocess.run([*KEFU, "demo"], env=place.env, check=True, capture_output=True)
        port = free_port()
        with (tmp_path / "serve.log").open("w") as log:
            serve = place.kefu("serve", "--port", str(port), stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return httpx.get(url + "/portal/verify/", timeout=1).is_success
            except httpx.HTTPError:
                return False

        try:
            wait_for(answers, "the portal answers")
            yield url
        finally:
            children.stop(serve)


def test_the_demos_channels_and_the_sites_own_address_are_official(demo_site: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    port = int(demo_site.rsplit(":", 1)[1])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_context(
            locale="en-US", viewport={"width": 1000, "height": 900}
        ).new_page()

        page.goto(demo_site + "/help/")
        page.get_by_role("link", name="Solve it step by step").click()
        expect(page).to_have_url(demo_site + "/help/flows/")

        page.goto(demo_site + "/portal/verify/")
        for kind, value, _label in CHANNELS:
            page.fill("#id_q", value)
            # A bare WeChat ID reads like any word, a Weibo uid like a phone number, and the
            # Facebook page shares its name with the X account: the customer says which.
            said = kind in (OfficialKind.WECHAT, OfficialKind.WEIBO, OfficialKind.FACEBOOK)
            page.select_option("#id_kind", kind if said else "")
            page.get_by_role("button", name="Check").click()
            expect(page.locator(".verdict-word")).to_have_text("Official")
        for own in (SENDER, demo_site + "/portal/tickets/"):  # the last one is pictured
            page.goto(demo_site + "/portal/verify/?q=" + quote(own))
            expect(page.locator(".verdict-word")).to_have_text("Official")
        page.screenshot(path=str(ARTIFACTS / "verify-own-address-official.png"), full_page=True)

        page.goto(demo_site + "/portal/verify/?q=" + quote(f"http://127.0.0.1:{port + 1}/portal/"))
        expect(page.locator(".verdict-word")).to_have_text("Not official")
        expect(page.locator(".verdict")).to_contain_text(f"It imitates our official {demo_site}")

        chinese = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        phone = chinese.new_page()
        phone.goto(demo_site + "/portal/verify/?q=" + quote("+86 400-123-4567"))
        expect(phone.locator(".verdict-word")).to_have_text("官方")
        expect(phone.locator("#official")).to_contain_text(demo_site)
        expect(phone.locator("#official")).to_contain_text("@kefu_support")
        phone.screenshot(path=str(ARTIFACTS / "verify-demo-hotline-zh.png"), full_page=True)
        browser.close()
