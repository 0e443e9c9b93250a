"""Every public, customer, widget and console page, audited with axe-core in Chromium.

Each page is opened at desktop (1280×800) and phone (390×844) width, in zh-Hans, en and
zh-Hant, and axe-core (vendored in tests/vendor/axe-core, so nothing is downloaded) runs
the WCAG 2.1 A/AA and best-practice rules over it. A critical or serious violation fails
the test, printed with the page, the rule and the elements.

To cover a new page, add its path to PUBLIC_PAGES, CUSTOMER_PAGES or CONSOLE_PAGES; a
page that needs an object names it in braces (see `Seeded`), and a state reached by
using the page (a widget opened, suggestions shown) is a `Visit` with a `then` step.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.test_browser import (
    ARTIFACTS,
    Server,
    kefu,
    launch,
    running_server,
    sign_in_customer,
    totp,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
AXE_SOURCE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("critical", "serious")
VIEWPORTS: dict[str, "ViewportSize"] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
# The browser locale picks the language of public and customer pages; console pages follow
# the agent's own setting, so each language has its own agent.
LANGUAGES = {
    "zh-Hans": {"locale": "zh-CN", "agent": "wang.fang"},
    "en": {"locale": "en-US", "agent": "sam.lee"},
    "zh-Hant": {"locale": "zh-TW", "agent": "chen.mei"},
}
PASSWORD = "browser-pass-3"

SEED = f"""
import json
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
from kefu.helpcenter.models import Article, Category
from kefu.inboxes.webchat.views import webchat_inbox
call_command("helpcenter", "import", verbosity=0)
keys = {{}}
for username, language in {[(spec["agent"], name) for name, spec in LANGUAGES.items()]!r}:
    agent = Agent.objects.create_user(username=username, password={PASSWORD!r},
        role=Role.SUPERVISOR, display_name=username, language=language)
    keys[username] = TOTPDevice.objects.create(user=agent, name="phone", confirmed=True).key
article = Article.objects.order_by("pk").first()
category = Category.objects.order_by("pk").first()
print(json.dumps({{"keys": keys, "chat_inbox": webchat_inbox().pk,
                  "article": article.slug, "category": category.slug}}))
"""


@dataclass(frozen=True)
class Seeded:
    """The objects the pages need, made for this test."""

    reference: str
    article: str
    category: str
    chat_inbox: int
    keys: dict[str, str]

    def fill(self, path: str) -> str:
        return path.format(
            reference=self.reference,
            article=self.article,
            category=self.category,
            chat_inbox=self.chat_inbox,
        )


@dataclass(frozen=True)
class Visit:
    path: str
    status: int = 200
    # Brings the page to the state to audit (a panel opened, results shown).
    then: Callable[["Page"], None] | None = None
    label: str = ""


def open_widget(page: "Page") -> None:
    page.locator(".kefu-chat-host .launcher").focus()
    page.keyboard.press("Enter")
    page.locator("#kefu-panel").wait_for(state="visible")


def search_in_widget(page: "Page") -> None:
    open_widget(page)
    page.keyboard.type("提现")
    page.locator("#kefu-help-results li").first.wait_for(state="visible")


def chat_in_widget(page: "Page") -> None:
    open_widget(page)
    page.locator("#kefu-panel .prechat button[type=submit]").click()
    page.locator("#kefu-text").fill("USDT 提现还没到账 / my withdrawal has not arrived")
    page.locator("#kefu-text").press("Enter")
    page.locator("#kefu-panel .log li .receipt").first.wait_for(state="visible", timeout=15_000)


def help_suggestions(page: "Page") -> None:
    """Type, hear how many were found, go down into the list of links by keyboard."""
    page.locator("#help-q").focus()
    page.keyboard.type("提现")
    first = page.locator("#help-suggestions a").first
    first.wait_for(state="visible")
    assert re.search(r"\d", page.locator("[data-help-count]").inner_text())
    page.keyboard.press("ArrowDown")
    assert first.evaluate("link => link === document.activeElement")


def note_tab(page: "Page") -> None:
    page.locator("#tab-reply").focus()
    page.keyboard.press("ArrowRight")
    page.locator("#pane-note").wait_for(state="visible")


def flow_started(page: "Page") -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def pages(*entries: str | Visit) -> list[Visit]:
    """A page list: a path for a page audited as it loads, a `Visit` for anything else."""
    return [Visit(entry) if isinstance(entry, str) else entry for entry in entries]


PUBLIC_PAGES = pages(
    "/portal/",
    "/portal/verify/",
    "/portal/verify/?q=KF-7Q2M9A",
    "/portal/verify/?q=support@example.com",
    "/portal/verify/report/",
    "/help/",
    Visit("/help/", then=help_suggestions, label="suggestions"),
    "/help/search/?q=提现",
    "/help/search/?q=zzzzqqq",
    "/help/{category}/",
    "/help/articles/{article}/",
    Visit("/help/articles/no-such-article/", status=404),
    "/help/flows/",
    "/help/flows/withdrawal_delayed/",
    Visit("/help/flows/withdrawal_delayed/", then=flow_started, label="started"),
    "/chat/demo/",
    Visit("/chat/demo/", then=open_widget, label="widget open"),
    Visit("/chat/demo/", then=search_in_widget, label="widget help search"),
    Visit("/chat/demo/", then=chat_in_widget, label="widget chatting"),
    "/chat/app/?inbox={chat_inbox}",
    Visit("/no-such-page/", status=404),
)
CUSTOMER_PAGES = pages(
    "/portal/tickets/",
    "/portal/tickets/new/",
    "/portal/tickets/{reference}/",
    "/portal/tickets/{reference}/record.html",
    "/portal/security/",
    Visit("/portal/tickets/K-999999/", status=404),
)
CONSOLE_PAGES = pages(
    "/console/",
    "/console/?view=mine",
    "/console/?q=%E6%8F%90%E7%8E%B0",  # a search: 提现
    "/console/?q=%21",  # a search with no words: its error
    "/console/me/",
    "/console/c/{reference}/",
    Visit("/console/c/{reference}/", then=note_tab, label="note tab"),
    "/console/queue/",
    "/console/reports/",
    "/console/safety/alerts/",
    "/console/calls/",
    "/console/calls/?show=todo",
    Visit("/console/c/K-999999/", status=404),
)


class Audit:
    """Runs axe on pages and keeps what fails, written for a person to read."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.failures: list[str] = []
        self.pages = 0

    def run(self, page: "Page", where: str) -> None:
        """Audit the page as it is at both widths."""
        for width, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            self.check(page, f"{self.language} {width} {where}")
        page.set_viewport_size(VIEWPORTS["desktop"])

    def check(self, page: "Page", where: str) -> None:
        self.pages += 1
        if not page.evaluate("typeof window.axe === 'object'"):
            # Evaluated over the debugging protocol: the page's CSP does not apply to it.
            page.evaluate(AXE_SOURCE.read_text())
        violations: list[dict[str, Any]] = page.evaluate(
            """async (tags) => {
                 const result = await axe.run(document, {
                   runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
                 return result.violations.map((v) => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map((n) => ({target: n.target.join(" "),
                                                html: n.html.slice(0, 160),
                                                summary: n.failureSummary}))}));
               }""",
            AXE_TAGS,
        )
        for violation in violations:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            lines = [f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}"]
            for node in violation["nodes"][:5]:
                lines.append(f"    {node['target']}  {node['html']}")
                lines.extend(f"      {line}" for line in node["summary"].splitlines()[:4])
            self.failures.append("\n".join(lines))

    def visit(self, page: "Page", url: str, visit: Visit) -> None:
        page.set_viewport_size(VIEWPORTS["desktop"])
        response = page.goto(url)
        assert response is not None
        assert response.status == visit.status, url
        # The widget builds itself from what it fetches; other pages are ready once loaded.
        page.wait_for_load_state("networkidle" if visit.path.startswith("/chat/") else "load")
        if visit.then is not None:
            visit.then(page)
        self.run(page, visit.path + (f" ({visit.label})" if visit.label else ""))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Seeded]]:
    with running_server(tmp_path_factory.mktemp("a11y")) as server:
        seeded = json.loads(kefu(server, "shell", script=SEED).splitlines()[-1])
        yield server, Seeded(reference=server.reference, **seeded)


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield launch(playwright)


@pytest.fixture(scope="module")
def customer_state(site: tuple[Server, Seeded], browser: "Browser") -> dict[str, Any]:
    """A signed-in customer's cookies, signed in once (one mailed code) for every language."""
    server, _ = site
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in_customer(page, server)
    page.wait_for_url(re.compile(r"/portal/"))
    state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
    context.close()
    return state


def sign_in_to_console(
    context: "BrowserContext", server: Server, seeded: Seeded, audit: Audit, language: str
) -> "Page":
    """Sign in by keyboard, auditing the sign-in and second-factor pages on the way."""
    agent = str(LANGUAGES[language]["agent"])
    page = context.new_page()
    audit.visit(page, server.url + "/console/login/", Visit("/console/login/"))
    page.fill("input[name=username]", agent)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.locator("input[name=code]").wait_for()
    audit.run(page, "/console/login/verify/")
    page.fill("input[name=code]", totp(seeded.keys[agent]))
    page.press("input[name=code]", "Enter")
    page.wait_for_url(re.compile(r"/console/$"))
    return page


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_has_no_critical_or_serious_axe_violation(
    site: tuple[Server, Seeded],
    browser: "Browser",
    customer_state: dict[str, Any],
    language: str,
) -> None:
    server, seeded = site
    audit = Audit(language)
    locale = str(LANGUAGES[language]["locale"])

    public = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = public.new_page()
    for visit in PUBLIC_PAGES:
        audit.visit(page, server.url + seeded.fill(visit.path), visit)
    page.goto(server.url + "/portal/")
    page.fill("input[name=email]", "nobody@example.com")
    page.press("input[name=email]", "Enter")
    page.locator("input[name=code]").wait_for()
    audit.run(page, "/portal/sign-in/code/")
    public.close()

    customer = browser.new_context(
        locale=locale,
        viewport=VIEWPORTS["desktop"],
        storage_state=customer_state,  # type: ignore[arg-type]
    )
    page = customer.new_page()
    for visit in CUSTOMER_PAGES:
        audit.visit(page, server.url + seeded.fill(visit.path), visit)
    if language == "zh-Hans":
        ARTIFACTS.mkdir(exist_ok=True)
        page.set_viewport_size(VIEWPORTS["phone"])
        page.goto(f"{server.url}/portal/tickets/{seeded.reference}/")
        page.screenshot(path=str(ARTIFACTS / "a11y-phone-portal-ticket.png"), full_page=True)
    customer.close()

    agent = browser.new_context(locale=locale, viewport=VIEWPORTS["desktop"])
    page = sign_in_to_console(agent, server, seeded, audit, language)
    for visit in CONSOLE_PAGES:
        audit.visit(page, server.url + seeded.fill(visit.path), visit)
    if language == "zh-Hans":
        page.set_viewport_size(VIEWPORTS["phone"])
        for name, path in (("queue", "/console/queue/"), ("conversation", "/console/c/{ref}/")):
            page.goto(server.url + path.format(ref=seeded.reference))
            page.screenshot(path=str(ARTIFACTS / f"a11y-phone-console-{name}.png"), full_page=True)
    agent.close()

    assert audit.pages > 60
    assert audit.failures == [], "\n\n".join(audit.failures)


# The focused element, looking into the widget's shadow root, with its focus ring.
FOCUSED = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) {
    node = node.shadowRoot.activeElement;
  }
  if (!node) return null;
  const style = getComputedStyle(node);
  return {tag: node.tagName.toLowerCase(), id: node.id, type: node.getAttribute("type") || "",
          cls: node.getAttribute("class") || "", label: node.getAttribute("aria-label") || "",
          text: (node.textContent || "").trim().slice(0, 40), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""


def focused(page: "Page") -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def tab_to(
    page: "Page", wanted: Callable[[dict[str, Any]], bool], key: str = "Tab"
) -> dict[str, Any]:
    """Press Tab until `wanted` holds for the focused element; no element met on the way
    may be an invisible one (the widget's file input)."""
    for _ in range(40):
        page.keyboard.press(key)
        now = focused(page)
        assert now["type"] != "file", "the hidden file input took focus"
        if wanted(now):
            return now
    raise AssertionError(f"{key} never reached the element; last focused: {focused(page)}")


def contrast_on_white(css_color: str) -> float:
    """WCAG contrast of an `rgb(r, g, b)` colour against white."""
    channels = [int(value) / 255 for value in re.findall(r"\d+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_the_widget_works_by_keyboard_alone_and_announces_a_reply_while_closed(
    site: tuple[Server, Seeded], browser: "Browser"
) -> None:
    from playwright.sync_api import FilePayload, expect

    server, seeded = site
    context = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["phone"])
    page = context.new_page()
    # Listening for file choosers from the start turns Playwright's interception on now:
    # switched on only by expect_file_chooser, it can lag the key press on a busy machine,
    # and the chooser then opens unseen.
    page.on("filechooser", lambda _chooser: None)
    page.goto(server.url + "/chat/demo/")
    page.wait_for_load_state("networkidle")

    launcher = tab_to(page, lambda now: "launcher" in now["cls"])
    assert launcher["label"] == "打开客服聊天"
    page.keyboard.press("Enter")
    expect(page.locator("#kefu-panel")).to_be_visible()
    tab_to(page, lambda now: now["type"] == "submit" and now["text"] == "开始聊天")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "kefu-text"
    page.keyboard.type("USDT 提现还没到账")
    page.keyboard.press("Enter")
    expect(page.locator("#kefu-panel .log li.mine")).to_contain_text("USDT 提现还没到账")
    expect(page.locator("#kefu-panel .log li.mine .receipt")).to_have_text("已送达", timeout=15_000)

    # Back from the message box: the attach button, with a ring that shows on white.
    attach = tab_to(page, lambda now: "attach" in now["cls"], key="Shift+Tab")
    assert attach["label"] == "添加图片或 PDF"
    assert attach["outline"] == "solid"
    assert attach["width"] >= 2
    assert contrast_on_white(attach["color"]) >= 3
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(FilePayload(name="receipt.txt", mimeType="text/plain", buffer=b"0xab"))
    expect(page.locator("#kefu-panel .log li.mine").last).to_contain_text("receipt.txt")
    tab_to(page, lambda now: now["type"] == "submit" and now["text"] == "发送")
    # The transcript box has a label a sighted person can read, not only a name.
    expect(page.locator("label[for=kefu-transcript-email]")).to_have_text("接收聊天记录的邮箱")
    expect(page.locator("label[for=kefu-transcript-email]")).to_be_visible()
    tab_to(page, lambda now: now["id"] == "kefu-transcript-email")
    page.screenshot(path=str(ARTIFACTS / "a11y-phone-widget-keyboard.png"))

    page.keyboard.press("Escape")
    expect(page.locator("#kefu-panel")).to_be_hidden()
    assert "launcher" in focused(page)["cls"]

    # An agent answers while the chat is closed: the badge changes and a screen reader hears it.
    reference = kefu(server, "shell", script=LATEST_CHAT).split()[-1]
    agent = browser.new_context(locale="zh-CN", viewport=VIEWPORTS["desktop"])
    console = sign_in_to_console(agent, server, seeded, Audit("zh-Hans"), "zh-Hans")
    console.goto(f"{server.url}/console/c/{reference}/")
    console.fill("#reply-text", "您好，W-1042 正在安全复核。")
    console.locator("#reply-form button[type=submit]").click()
    expect(page.locator(".kefu-chat-host [role=status]").last).to_have_text(
        re.compile("发来新消息：您好，W-1042 正在安全复核。"), timeout=15_000
    )
    expect(page.locator(".kefu-chat-host .badge")).to_have_text("1")
    page.keyboard.press("Enter")
    expect(page.locator("#kefu-panel .log li.theirs")).to_contain_text("W-1042 正在安全复核")
    assert focused(page)["id"] == "kefu-text"
    agent.close()
    context.close()


LATEST_CHAT = """
from kefu.conversations.models import Conversation
print(Conversation.objects.filter(channel="webchat").latest("pk").reference)
"""
