"""The help center in headless Chromium against `kefu serve`: results while typing, and
the same search without JavaScript."""

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, Server, kefu, server  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_search_shows_results_while_typing_and_without_javascript(
    server: Server,  # noqa: F811
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "helpcenter", "import")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        reader = browser.new_context(locale="zh-TW", viewport={"width": 390, "height": 844})
        page = reader.new_page()
        page.goto(server.url + "/help/")
        expect(page.get_by_role("heading", name="帳戶與安全")).to_be_visible()
        page.fill("#help-q", "提币没到账")
        first = page.locator(".help-suggestions li a").first
        expect(first).to_contain_text("提現一直沒有到帳怎麼辦")
        expect(page.locator(".help-suggestions mark").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "help-search-as-you-type.png"), full_page=True)
        first.click()
        expect(page.get_by_role("heading", name="提現一直沒有到帳怎麼辦")).to_be_visible()

        no_script = browser.new_context(java_script_enabled=False, locale="en-US")
        plain = no_script.new_page()
        plain.goto(server.url + "/help/")
        plain.fill("#help-q", "withdrawl")
        plain.press("#help-q", "Enter")
        expect(plain.locator(".help-results li a").first).to_be_visible()
        assert "/help/search/?q=withdrawl" in plain.url
        plain.screenshot(path=str(ARTIFACTS / "help-search-no-js.png"), full_page=True)
        browser.close()
