"""The community in headless Chromium against `kefu serve`: a customer asks, another
answers, the asker accepts, and a staff answer (written through the action, as the
console does) carries the official badge whose link opens the verify page saying the
agent is real. Screenshots are kept in test-artifacts/ for a person to look at."""

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.services import require_chromium
from tests.test_browser import ARTIFACTS, KEFU, launch, server_env, serving

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# Two customers who have posted before (their first posts would wait for review) and an
# agent whose public id the badge links to.
SETUP = """
from kefu.agents.models import Agent, Role
from kefu.community import actions
from kefu.community.models import Member
from kefu.contacts.models import Contact, ContactIdentity
from kefu.helpcenter.models import Category
Category.objects.create(slug="deposits", name_en="Deposits", name_zh_hans="充值",
                        name_zh_hant="充值")
for email, name in (("zhang.wei@example.com", "zhangwei"), ("chen.jing@example.com", "ChenJ")):
    contact = Contact.objects.create(name=name, language="en")
    ContactIdentity.objects.create(contact=contact, kind="email", value=email)
    actions.join(contact=contact, display_name=name)
Member.objects.update(approved_posts=10)
agent = Agent.objects.create_user(username="li.na", password="browser-pass-1", role=Role.L1,
                                  display_name="Li Na", language="en")
print(agent.public_id)
"""

STAFF_ANSWER = """
from kefu.agents.models import Agent
from kefu.community import actions
from kefu.community.models import Question
question = Question.objects.get()
actions.answer(author=Agent.objects.get(username="li.na"), question=question,
               body="Deposits of USDT on TRC-20 need **20 confirmations**; this one has 12.")
"""


@dataclass(frozen=True)
class Site:
    url: str
    output: Path
    agent_id: str


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    env = server_env(tmp_path)
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*KEFU, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    output = tmp_path / "server.log"
    with serving(env, output) as url:
        yield Site(url, output, setup.stdout.split()[-1])


def _code_after(output: Path, seen: int) -> str:
    """The first sign-in code mailed after `seen` characters of the server's output."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        match = re.search(r"^\s+(\d{6})\s*$", output.read_text()[seen:], re.MULTILINE)
        if match:
            return match.group(1)
        time.sleep(0.3)
    raise AssertionError("no sign-in code was mailed:\n" + output.read_text()[-2000:])


def _sign_in(page: "Page", site: Site, email: str) -> None:
    page.goto(site.url + "/portal/")
    seen = len(site.output.read_text())
    page.fill("input[name=email]", email)
    page.click("form[action$='/sign-in/'] button[type=submit]")
    page.fill("input[name=code]", _code_after(site.output, seen))
    page.click("form[action$='/sign-in/code/'] button[type=submit]")


def test_ask_answer_accept_and_the_official_badge(site: Site) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        asker = browser.new_context(locale="en-US", viewport={"width": 1000, "height": 900})
        helper = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})

        page = asker.new_page()
        _sign_in(page, site, "zhang.wei@example.com")
        page.goto(site.url + "/community/")
        page.get_by_role("link", name="Ask a question").first.click()
        page.get_by_label("Question").fill("My USDT deposit has not arrived after an hour")
        page.get_by_label("Details").fill(
            "Sent on **TRC-20**, the explorer shows 12 confirmations."
        )
        page.get_by_label("Category").select_option("deposits")
        page.get_by_role("button", name="Post your question").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "My USDT deposit has not arrived after an hour"
        )
        expect(page.locator(".community-body strong")).to_have_text("TRC-20")
        question_url = page.url

        other = helper.new_page()
        _sign_in(other, site, "chen.jing@example.com")
        other.goto(question_url)
        other.get_by_label("Your answer").fill("Wait for 20 confirmations, it will arrive.")
        other.get_by_role("button", name="Post your answer").click()
        expect(other.get_by_text("Wait for 20 confirmations")).to_be_visible()
        other.get_by_role("button", name="Vote up").click()  # on the question
        expect(other.locator(".vote-button[aria-pressed=true]")).to_have_count(1)
        other.screenshot(path=str(ARTIFACTS / "community-answer-phone.png"), full_page=True)

        env = server_env(site.output.parent)
        subprocess.run([*KEFU, "shell", "-c", STAFF_ANSWER], env=env, check=True)

        page.reload()
        page.get_by_role("button", name="Accept this answer").last.click()
        expect(page.get_by_text("Accepted answer")).to_be_visible()
        badge = page.locator(".badge-official")
        expect(badge).to_have_count(1)
        expect(badge).to_have_text("Official answer · Li Na")
        expect(page.locator(".is-official")).to_contain_text("20 confirmations")
        page.screenshot(path=str(ARTIFACTS / "community-question.png"), full_page=True)

        badge.click()
        expect(page.locator(".verdict-word")).to_have_text("Official")
        expect(page.locator(".verdict")).to_contain_text("Li Na")
        expect(page.locator(".checked-value")).to_have_text(site.agent_id)
        page.screenshot(path=str(ARTIFACTS / "community-badge-verified.png"), full_page=True)

        page.goto(site.url + "/community/c/deposits/")
        expect(page.locator(".tag-solved")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "community-category.png"), full_page=True)

        # A reader who is not signed in, in Chinese: the same thread, the badge, no forms.
        reader = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        anonymous = reader.new_page()
        anonymous.goto(site.url + "/community/")
        expect(anonymous.get_by_role("heading", level=1)).to_have_text("社区")
        anonymous.screenshot(path=str(ARTIFACTS / "community-home-zh.png"), full_page=True)
        anonymous.goto(question_url)
        expect(anonymous.locator(".badge-official")).to_have_text("官方回答 · Li Na")
        expect(anonymous.get_by_role("link", name="登录后回答")).to_be_visible()
        anonymous.screenshot(path=str(ARTIFACTS / "community-question-zh.png"), full_page=True)
        browser.close()
