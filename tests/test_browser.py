"""The whole product as people use it, in headless Chromium against `kefu serve`.

An agent signs in with password + TOTP, a customer signs in with the code that the
worker mailed (read from the server's output: no mail server on a laptop), the agent
replies and the reply appears on the customer's open ticket page without a reload.
Screenshots are kept in test-artifacts/ for a person to look at.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from kefu.core import children
from tests.services import require_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

SETUP = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from kefu.agents.models import Agent, Role
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.inboxes.portal.inbound import portal_inbox
agent = Agent.objects.create_user(username="li.na", password="browser-pass-1", role=Role.L1,
                                  display_name="李娜", language="zh-Hans")
device = TOTPDevice.objects.create(user=agent, name="phone", confirmed=True)
message = receive_message(InboundMessage(inbox=portal_inbox(), identity_kind="email",
    identity_value="zhang.wei@example.com", contact_name="张伟", subject="USDT 提现没到账",
    text="我的提现 W-1042 还在处理中", intent="withdrawal_delayed"))
print(device.key, message.conversation.reference)
"""


@dataclass(frozen=True)
class Server:
    url: str
    output: Path
    totp_key: str
    reference: str


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


KEFU = [sys.executable, "-m", "kefu.cli"]


def server_env(var_dir: Path) -> dict[str, str]:
    """A laptop's environment: SQLite in `var_dir`, no Redis, mail printed to the log."""
    env = {**os.environ, "KEFU_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "kefu.settings"}
    for name in ("KEFU_DATABASE_URL", "KEFU_REDIS_URL", "KEFU_EMAIL_BACKEND", "KEFU_SMTP_HOST"):
        env.pop(name, None)
    return env


@contextmanager
def serving(env: dict[str, str], output: Path) -> Iterator[str]:
    """`kefu serve` on a free port, its output in `output`, stopped (group and all) after."""
    port = free_port()
    with output.open("w") as log:
        process = children.start(
            [*KEFU, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    # Generous: with other work on both cores, migrating and starting took 28 s here.
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                httpx.get(url + "/portal/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise AssertionError(output.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield url
    finally:
        children.stop(process)


def kefu(server: Server, *args: str, script: str = "") -> str:
    """Run a `kefu` command on the server's own database; its output."""
    command = [*KEFU, *args] + (["-c", script] if script else [])
    env = server_env(server.output.parent)
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def launch(playwright: "Playwright") -> "Browser":
    """Headless Chromium as the browser tests run it (the machine's, no download)."""
    return playwright.chromium.launch(
        executable_path=require_chromium(),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


@contextmanager
def running_server(directory: Path) -> Iterator[Server]:
    """`kefu serve` on a fresh SQLite database in `directory`, seeded with SETUP."""
    env = server_env(directory)
    subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
    setup = subprocess.run(
        [*KEFU, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
    )
    key, reference = setup.stdout.split()[-2:]
    output = directory / "server.log"
    with serving(env, output) as url:
        yield Server(url, output, key, reference)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running_server(tmp_path) as running:
        yield running


def sign_in_agent(page: "Page", server: Server) -> None:
    """The fixture's agent, li.na, through password and TOTP."""
    page.goto(server.url + "/console/")
    page.fill("input[name=username]", "li.na")
    page.fill("input[name=password]", "browser-pass-1")
    page.click("form:has(input[name=password]) button[type=submit]")
    page.fill("input[name=code]", totp(server.totp_key))
    page.click("form:has(input[name=code]) button[type=submit]")


def totp(key_hex: str) -> str:
    from django_otp.oath import totp as oath_totp

    return f"{oath_totp(bytes.fromhex(key_hex)):06d}"


def emailed_code(output: Path, deadline_seconds: float = 20) -> str:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        # The console mail backend prints the mail; the code stands alone on its line.
        match = re.search(r"^\s+(\d{6})\s*$", output.read_text(), re.MULTILINE)
        if match:
            return match.group(1)
        time.sleep(0.3)
    raise AssertionError("no sign-in code was mailed:\n" + output.read_text()[-2000:])


def sign_in_customer(page: "Page", server: Server) -> None:
    """Sign the seeded customer in to the portal with the code the worker mailed."""
    page.goto(server.url + "/portal/")
    page.fill("input[name=email]", "zhang.wei@example.com")
    page.click("form[action$='/sign-in/'] button[type=submit]")
    page.fill("input[name=code]", emailed_code(server.output))
    page.click("form[action$='/sign-in/code/'] button[type=submit]")


def test_an_agent_reply_reaches_the_customers_open_page_live(server: Server) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        customer = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        agent = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

        page = customer.new_page()
        sign_in_customer(page, server)
        page.goto(f"{server.url}/portal/tickets/{server.reference}/")
        expect(page.get_by_text("我的提现 W-1042 还在处理中")).to_be_visible()

        console = agent.new_page()
        sign_in_agent(console, server)
        expect(console.get_by_text("USDT 提现没到账")).to_be_visible()
        console.screenshot(path=str(ARTIFACTS / "console-inbox.png"), full_page=True)
        console.goto(f"{server.url}/console/c/{server.reference}/")
        console.fill("#reply-text", "您好，W-1042 正在安全复核，通常 48 小时内完成。")
        console.get_by_role("button", name="发送回复").click()
        expect(console.get_by_text("W-1042 正在安全复核")).to_be_visible()
        console.screenshot(path=str(ARTIFACTS / "console-conversation.png"), full_page=True)

        # No reload: the portal page hears about the reply over its WebSocket.
        expect(page.get_by_text("W-1042 正在安全复核")).to_be_visible(timeout=15_000)
        expect(page.get_by_text("李娜")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "portal-ticket-live.png"), full_page=True)
        browser.close()
