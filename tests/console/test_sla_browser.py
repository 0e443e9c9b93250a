"""An SLA alert reaching an open console, in headless Chromium against `kefu serve`.

The sweep publishes `sla_alert` on the agents group; the test server has no Redis, so a
separate process cannot publish into its channel layer. The console's own socket is
kept (connected through to the server) and the alert frame is added to it, as the
server would send it: what is tested is the page's handling, in the agent's language.
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from playwright.sync_api import WebSocketRoute

pytestmark = pytest.mark.browser

# The fixture's conversation, overdue on its first response since the sweep marked it.
BREACHED = """
from datetime import timedelta
from django.utils import timezone
from kefu.conversations.models import Conversation
Conversation.objects.update(
    sla_due_at=timezone.now() - timedelta(minutes=5),
    sla_due_target="first_response",
    sla_breached=True,
)
"""


def test_an_sla_alert_shows_a_notice_and_refreshes_the_badges(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    import json
    import re

    from playwright.sync_api import expect, sync_playwright

    number = int(server.reference.removeprefix("K-"))
    sockets: list[WebSocketRoute] = []

    def keep(route: "WebSocketRoute") -> None:
        route.connect_to_server()
        sockets.append(route)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.route_web_socket("**/ws/console/", keep)
        sign_in_agent(page, server)
        row = page.locator(".inbox-row").first
        expect(row).to_be_visible()
        # The shipped policies started its clocks: a badge with time left, not yet red.
        expect(row.locator(".sla-badge")).to_have_count(1)
        expect(row.locator(".sla-badge.is-late")).to_have_count(0)
        expect(page.locator("[data-live-status].is-live")).to_have_count(1, timeout=15_000)

        kefu(server, "shell", script=BREACHED)
        frame: dict[str, Any] = {
            "kind": "sla_alert",
            "conversation_id": number,
            "target": "first_response",
            "level": "breach",
        }
        sockets[-1].send(json.dumps(frame))
        toast = page.locator(".toast")
        expect(toast).to_contain_text(f"{server.reference} 的首次回复已超时。")
        expect(toast.locator("a")).to_have_attribute("href", f"/console/c/{server.reference}/")
        # The inbox refreshed itself: the row now carries the red badge.
        expect(row.locator(".sla-badge.is-late")).to_have_text(
            re.compile(r"^首次回复：已超时 \d+ 分钟$")
        )
        page.screenshot(path=str(ARTIFACTS / "console-sla-alert.png"), full_page=True)

        sockets[-1].send(json.dumps({**frame, "level": "warning", "target": "resolution"}))
        expect(page.locator(".toast.toast-sla-warning")).to_contain_text(
            f"{server.reference} 的解决时限即将到期。"
        )
        browser.close()
