"""`kefu serve` takes every process it started with it, however it is stopped."""

import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.processes import alive, descendants, free_port, site, wait_for

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
    with site("sqlite", tmp_path, KEFU_LOG_LEVEL="WARNING") as place:
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
