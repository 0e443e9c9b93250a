"""`kefu serve` takes every process it started with it, however it is stopped, and tells
them the address it serves."""

import os
import re
import signal
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from kefu.core import children
from tests.inboxes.email.conftest import SmtpSink
from tests.processes import alive, descendants, free_port, site, wait_for
from tests.services import require_redis

pytestmark = pytest.mark.multiprocess


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1).is_success
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"]
)
def test_every_child_stops_with_kefu_serve(stop: signal.Signals, tmp_path: Path) -> None:
    # Several app processes share their state through Redis (refused without it).
    redis = require_redis()
    with site("sqlite", tmp_path, KEFU_LOG_LEVEL="WARNING", KEFU_REDIS_URL=redis) as place:
        port = free_port()
        log = tmp_path / "serve.log"
        with log.open("w") as output:
            serve = place.kefu(
                "serve", "--port", str(port), "--workers", "2", stdout=output, stderr=output
            )
        try:
            wait_for(lambda: answers(port), "the app answers")
            # uvicorn's supervisor and its two app processes, the job worker, the scheduler
            wait_for(lambda: len(descendants(serve.pid)) >= 5, "every child started")
            started = descendants(serve.pid)
            os.kill(serve.pid, stop)
            serve.wait(30)
            wait_for(lambda: not any(alive(pid) for pid in started), "every child stopped")
        finally:
            if serve.poll() is None:
                serve.kill()
    # Ctrl-C and SIGTERM are the ordinary ways to stop it: a clean exit, no traceback.
    expected = {signal.SIGTERM: 128 + signal.SIGTERM, signal.SIGINT: 0, signal.SIGKILL: -9}
    assert serve.returncode == expected[stop]
    assert "Traceback" not in log.read_text()


def _sign_in_mail_link(port: int, sink: SmtpSink, email: str) -> str:
    """Ask the served portal for a sign-in mail and return the link the worker mailed."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        page = client.get("/portal/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        client.post("/portal/sign-in/", data={"email": email, "csrfmiddlewaretoken": token[1]})
    wait_for(lambda: bool(sink.received), "the worker mails the sign-in link")
    link = re.search(r"https?://\S+/portal/sign-in/[\w-]+/", sink.received[0].get_content())
    assert link is not None
    return link.group()


@pytest.mark.parametrize("site_url", ["", "https://help.example.com"], ids=["served", "set"])
def test_links_in_mails_use_the_served_port_or_kefu_site_url(tmp_path: Path, site_url: str) -> None:
    sink = SmtpSink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    mail = {"KEFU_SMTP_HOST": "127.0.0.1", "KEFU_SMTP_PORT": str(smtp.port)}
    try:
        with site("sqlite", tmp_path, KEFU_LOG_LEVEL="WARNING", **mail) as place:
            place.env.pop("KEFU_SITE_URL", None)
            if site_url:
                place.env["KEFU_SITE_URL"] = site_url
            port = free_port()
            with (tmp_path / "serve.log").open("w") as output:
                serve = place.kefu("serve", "--port", str(port), stdout=output, stderr=output)
            try:
                wait_for(lambda: answers(port), "the app answers")
                link = _sign_in_mail_link(port, sink, "port@example.com")
            finally:
                children.stop(serve)
    finally:
        smtp.stop()
    assert link.startswith((site_url or f"http://127.0.0.1:{port}") + "/portal/sign-in/")
