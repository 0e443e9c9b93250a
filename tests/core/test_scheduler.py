import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from kefu.core import scheduler

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A periodic job every minute that notes each run; it fails when told to."""
    runs: list[str] = []

    def run() -> str:
        runs.append("run")
        if runs == ["fail", "run"]:
            raise OperationalError("the server closed the connection")
        return f"run {len(runs)}"

    monkeypatch.setattr(scheduler, "_JOBS", {})
    scheduler.register("test.counted", every=lambda: timedelta(minutes=1), run=run)
    return runs


def test_a_due_run_is_claimed_once_whoever_asks(counted: list[str]) -> None:
    now = timezone.now()
    # Two schedulers on two hosts asking at the same moment.
    assert scheduler.run_due(now) == {"test.counted": "run 1"}
    assert scheduler.run_due(now) == {}
    assert scheduler.run_due(now + timedelta(seconds=59)) == {}
    assert scheduler.run_due(now + timedelta(minutes=1)) == {"test.counted": "run 2"}
    assert counted == ["run", "run"]


def test_a_failed_run_is_logged_and_the_next_one_runs(
    counted: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    counted.append("fail")
    now = timezone.now()
    assert scheduler.run_due(now) == {}
    assert "periodic job test.counted failed" in caplog.text
    assert scheduler.run_due(now + timedelta(minutes=1)) == {"test.counted": "run 3"}


def test_the_apps_register_their_periodic_jobs() -> None:
    assert {job.name for job in scheduler.registered()} >= {
        "core.reclaim_jobs",
        "routing.idle_chats",
        "webchat.orphan_uploads",
    }


@pytest.mark.django_db(transaction=True)
def test_schedulers_asking_at_once_run_a_due_job_once(counted: list[str]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: SQLite lets one write at a time anyway")
    now = timezone.now()
    scheduler.run_due(now - timedelta(minutes=1))  # the row exists; the next run is due now
    counted.clear()
    start = threading.Barrier(6)

    def one_host() -> None:
        start.wait()
        try:
            scheduler.run_due(now)
        finally:
            connection.close()

    hosts = [threading.Thread(target=one_host) for _ in range(6)]
    for host in hosts:
        host.start()
    for host in hosts:
        host.join()
    assert counted == ["run"]
