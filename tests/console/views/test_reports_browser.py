"""The reports' charts drawn in headless Chromium, for a supervisor who reads Simplified
Chinese: the heatmap and the channel bars have canvases with ink on them, their ECharts
options carry the server's Chinese labels, and a screenshot is kept to look at (Chinese
glyphs, not boxes)."""

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

# The fixture's agent becomes a supervisor; an email inbox brings a second channel; the
# rollups are computed as the scheduler's job would.
SEED = """
from kefu.agents.models import Agent, Role
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.models import Channel, Inbox
Agent.objects.filter(username="li.na").update(role=Role.SUPERVISOR, timezone="Asia/Shanghai")
mail = Inbox.objects.create(name="support@example.com", channel=Channel.EMAIL)
for n in range(3):
    receive_message(InboundMessage(inbox=mail, identity_kind="email",
        identity_value=f"wang{n}@example.com", contact_name="王芳", subject="充值",
        text="充值还没到账", intent="deposit_missing"))
"""

# Ink on a canvas: any pixel that is not fully transparent.
HAS_INK = """element => {
  const canvas = element.querySelector("canvas");
  if (!canvas) return false;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""

# The labels a chart was given, read back from its ECharts instance.
Y_LABELS = "element => window.echarts.getInstanceByDom(element).getOption().yAxis[0].data"
X_LABELS = "element => window.echarts.getInstanceByDom(element).getOption().xAxis[0].data"


def test_a_chinese_speaking_supervisor_sees_the_charts_with_chinese_labels(
    server: Server,  # noqa: F811
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    kefu(server, "shell", script=SEED)
    kefu(server, "reports", "rebuild")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in_agent(page, server)
        expect(page.locator(".inbox-row").first).to_be_visible()
        page.get_by_role("link", name="报表").click()
        expect(page.get_by_role("heading", name="报表", level=1)).to_be_visible()

        heatmap = page.locator('[data-chart="volume-heatmap"]')
        channels = page.locator('[data-chart="volume-channels"]')
        expect(heatmap.locator("canvas")).to_have_count(1)
        expect(channels.locator("canvas")).to_have_count(1)
        assert heatmap.evaluate(HAS_INK)
        assert channels.evaluate(HAS_INK)
        weekdays = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
        assert heatmap.evaluate(Y_LABELS) == weekdays
        assert "电子邮件" in channels.evaluate(X_LABELS)
        # The table equivalent names the same channel, for screen readers.
        expect(page.locator("#table-volume_channels")).to_have_text("按渠道")
        assert not [e for e in errors if "Content Security Policy" in e or "echarts" in e]
        page.screenshot(path=str(ARTIFACTS / "console-reports.png"), full_page=True)
        browser.close()
