"""A call ringing for an agent pops up on their open console, in headless Chromium.

The server runs with Redis as its channel layer, so the test process publishes the call's
event exactly as a webhook worker would (`phone.events.call_changed`, another process,
the same layer); the console fetches the pop and shows who is calling.
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import require_chromium, require_redis
from tests.test_browser import KEFU, SETUP, Server, launch, server_env, serving, sign_in_agent

pytestmark = pytest.mark.browser

# The seeded customer (张伟, with an open conversation) also has a phone number, and the
# hotline exists.
PHONE_SETUP = """
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.phone.models import PhoneLine
contact = Contact.objects.get(name="张伟")
ContactIdentity.objects.create(contact=contact, kind=IdentityKind.PHONE, value="+8613800138000")
inbox = Inbox.objects.create(name="Hotline", channel=Channel.PHONE)
PhoneLine.objects.create(inbox=inbox, number="+864001234567")
"""

# What dispatch does when it offers the call to li.na: the call rings for her.
RING = """
from kefu.agents.models import Agent
from kefu.inboxes.phone import actions, events
from kefu.inboxes.phone.models import CallStatus, Direction, PhoneLine
line = PhoneLine.objects.get()
call = actions.start_call(line=line, sid="CA" + "7" * 32, direction=Direction.INBOUND,
                          from_number="13800138000", to_number=line.number)
call.status = CallStatus.RINGING
call.agent = Agent.objects.get(username="li.na")
call.save(update_fields=["status", "agent"])
events.call_changed(call, events.RINGING, [call.agent.pk])
"""


# She answers, then the caller hangs up.
ANSWER = """
from kefu.inboxes.phone import actions, events
from kefu.inboxes.phone.models import Call
call = Call.objects.get()
actions.answered(call, call.agent)
events.call_changed(call, events.ANSWERED, [call.agent_id])
"""
HANG_UP = """
from kefu.inboxes.phone import actions, events
from kefu.inboxes.phone.models import Call
call = actions.ended(Call.objects.get())
events.call_changed(call, events.ENDED, [call.agent_id])
"""


def _env(directory: Path) -> dict[str, str]:
    return {**server_env(directory), "KEFU_REDIS_URL": require_redis()}


def _run(env: dict[str, str], script: str) -> str:
    command = [*KEFU, "shell", "-c", script]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Server]:
    env = _env(tmp_path)
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    key, reference = _run(env, SETUP).split()[-2:]
    _run(env, PHONE_SETUP)
    output = tmp_path / "server.log"
    with serving(env, output) as url:
        yield Server(url, output, key, reference)


def test_a_ringing_call_pops_up_with_the_customer_and_their_conversation(
    redis_server: Server, tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in_agent(page, redis_server)
        expect(page.locator("[data-live-status].is-live")).to_have_count(1, timeout=15_000)
        pop = page.locator("#call-pop")
        expect(pop).to_be_hidden()

        _run(_env(tmp_path), RING)
        expect(pop).to_be_visible(timeout=15_000)
        expect(pop).to_contain_text("来电")
        expect(pop).to_contain_text("+86 138 0013 8000")
        expect(pop).to_contain_text("张伟")
        expect(pop.locator(f"a[href='/console/c/{redis_server.reference}/']")).to_be_visible()
        expect(pop).to_contain_text("来电号码不能证明来电者身份")
        page.screenshot(path=str(tmp_path / "console-call-pop.png"))

        _run(_env(tmp_path), ANSWER)
        expect(pop.locator("textarea[name=text]")).to_be_visible(timeout=15_000)
        _run(_env(tmp_path), HANG_UP)
        expect(pop.locator("form.call-wrap-up select[name=outcome]")).to_be_visible(timeout=15_000)
        page.screenshot(path=str(tmp_path / "console-call-wrap-up.png"))

        pop.locator("[data-call-pop-close]").click()
        expect(pop).to_be_hidden()
        browser.close()
