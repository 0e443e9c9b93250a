"""Jobs whose worker dies are run again: real worker processes, killed, against real SMTP."""

import asyncio
import contextlib
import json
import os
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.conversations.tasks import deliver_message
from kefu.core import children, jobs
from kefu.core.models import WorkerLease
from tests.processes import Site, free_port, site, wait_for

REPLIES = 30
SETUP = """
import json
from django.utils import timezone
from kefu.agents.models import Agent, Role
from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.actions import send_reply
from kefu.conversations.models import Conversation
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.models import Channel, Inbox
inbox = Inbox.objects.create(name="Mail", channel=Channel.EMAIL)
Mailbox.objects.create(inbox=inbox, address="support@kefu.example", smtp_host="127.0.0.1",
                       smtp_port=PORT, smtp_starttls=False)
agent = Agent.objects.create_user(username="amy", password="x-123456", role=Role.L1,
                                  display_name="Amy")
ids = []
for n in range(REPLIES):
    contact = Contact.objects.create(name=f"客户{n}")
    ContactIdentity.objects.create(contact=contact, kind=IdentityKind.EMAIL,
                                   value=f"customer{n}@example.com")
    conversation = Conversation.objects.create(contact=contact, inbox=inbox,
        channel=Channel.EMAIL, last_message_at=timezone.now())
    ids.append(send_reply(conversation=conversation, agent=agent, text=f"您好，第{n}号").pk)
print(json.dumps(ids))
"""


@dataclass
class HoldingSmtp:
    """An SMTP server that holds its answer to chosen DATA commands until released.

    `seen` lists every DATA by Message-ID (each is one delivery attempt); `accepted`
    those it took. `hold` maps the 1-based number of a DATA to whether the server takes
    the message before holding its answer (the provider has it, the sender may never
    hear so) or not at all (the sender's death loses it).
    """

    hold: dict[int, str]  # "taken" first, "lost" (refused), or "slow" (taken on release)
    seen: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(  # noqa: N802 (aiosmtpd's name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        message_id = str(message["Message-ID"]).strip("<>")
        self.seen.append(message_id)
        number = len(self.seen)
        fate = self.hold.get(number, "")
        if fate in ("", "taken"):
            self.accepted.append(message_id)
        if fate:
            self.released.clear()
            self.holding.set()
            await asyncio.to_thread(self.released.wait)
        if fate == "lost":
            return "451 Try again later"
        if fate == "slow":
            self.accepted.append(message_id)
        return "250 OK"

    def release(self) -> None:
        self.holding.clear()
        self.released.set()


@contextlib.contextmanager
def smtp_server(hold: dict[int, str]) -> Iterator[tuple[HoldingSmtp, int]]:
    server = HoldingSmtp(hold=hold)
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield server, controller.port
    finally:
        server.release()
        controller.stop()


def worker(place: Site) -> "Any":
    return place.kefu(
        *("db_worker", "--queue-name", "*", "--interval", "0.1"),
        *("--no-startup-delay", "--no-reload", "-v0"),
    )


@pytest.mark.multiprocess
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_replies_whose_worker_is_killed_mid_delivery_are_each_delivered_once(
    kind: str, tmp_path: Path
) -> None:
    with (
        smtp_server({4: "taken", 15: "lost"}) as (server, port),
        site(kind, tmp_path, KEFU_JOB_LEASE_SECONDS="2", KEFU_LOG_LEVEL="WARNING") as place,
    ):
        ids = place.shell(SETUP.replace("PORT", str(port)).replace("REPLIES", str(REPLIES)))
        scheduler = place.kefu("scheduler")
        running = [worker(place)]
        try:
            # 4th delivery: the server takes the message but the worker dies before the
            # answer, so nobody knows it went out; it must be retried with the same id.
            wait_for(server.holding.is_set, "the 4th DATA")
            os.kill(running[0].pid, signal.SIGKILL)
            running[0].wait()
            server.release()
            running = [worker(place)]
            # 15th DATA: the worker dies and the message never went out.
            wait_for(server.holding.is_set, "the 15th DATA")
            os.kill(running[0].pid, signal.SIGKILL)
            running[0].wait()
            server.release()
            running = [worker(place), worker(place)]
            wait_for(lambda: set(server.accepted) >= set(external_ids(place, ids)), "all sent")
            wait_for(lambda: not unfinished_jobs(place), "every job finished")
            assert not place.query(
                "SELECT id FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
            )
        finally:
            children.stop(scheduler, *running)
        rows = place.query(
            "SELECT id, external_id, delivery_status, delivery_attempts FROM conversations_message"
            f" WHERE id IN ({', '.join(map(str, ids))})"
        )
    by_id = {row[1]: row for row in rows}
    assert len(by_id) == REPLIES
    assert {status for _, _, status, _ in rows} == {"sent"}
    # Every reply went out, under its one Message-ID, whatever the kills did ...
    assert set(server.accepted) == set(by_id)
    # ... and only the one whose acceptance its dead worker never heard went out twice
    # (same Message-ID, which mail clients de-duplicate by).
    held_and_taken = server.seen[3]
    assert {mid for mid, n in Counter(server.accepted).items() if n > 1} == {held_and_taken}
    # Attempts are counted truthfully: one per DATA the server saw.
    seen = Counter(server.seen)
    assert {mid: attempts for mid, (_, _, _, attempts) in by_id.items()} == dict(seen)
    assert seen[server.seen[14]] == 2
    assert seen[held_and_taken] == 2


def external_ids(place: Site, ids: list[int]) -> list[str]:
    rows = place.query(
        f"SELECT external_id FROM conversations_message WHERE id IN ({', '.join(map(str, ids))})"
    )
    return [external_id for (external_id,) in rows]


def unfinished_jobs(place: Site) -> list[tuple[Any, ...]]:
    return place.query(
        "SELECT id FROM django_tasks_database_dbtaskresult"
        " WHERE status NOT IN ('SUCCESSFUL', 'FAILED')"
    )


@pytest.mark.multiprocess
def test_a_slow_delivery_whose_worker_lives_is_never_taken_from_it(tmp_path: Path) -> None:
    with (
        smtp_server({1: "slow"}) as (server, port),
        site("sqlite", tmp_path, KEFU_JOB_LEASE_SECONDS="1", KEFU_LOG_LEVEL="WARNING") as place,
    ):
        (reply,) = place.shell(SETUP.replace("PORT", str(port)).replace("REPLIES", "1"))
        scheduler, running = place.kefu("scheduler"), [worker(place)]
        try:
            wait_for(server.holding.is_set, "the first DATA")
            # Held for several leases while the scheduler looks for lapsed ones every
            # half lease; a second worker stands by to take the job if it were given back.
            running.append(worker(place))
            held_since = timezone.now()
            wait_for(lambda: timezone.now() - held_since > timedelta(seconds=5), "5 leases")
            server.release()
            wait_for(lambda: not unfinished_jobs(place), "the job finished")
        finally:
            children.stop(scheduler, *running)
        ((attempts, status),) = place.query(
            "SELECT delivery_attempts, delivery_status FROM conversations_message"
            f" WHERE id = {reply}"
        )
        ((claims,),) = place.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    assert (status, attempts) == ("sent", 1)
    assert len(server.seen) == 1
    assert len(server.accepted) == 1
    assert len(json.loads(claims)) == 1


@pytest.mark.django_db
class TestReclaim:
    def _running(self, worker: str = "w1", claims: int = 1) -> "DBTaskResult[Any, Any]":
        job = deliver_message.enqueue(1).db_result  # type: ignore[attr-defined]
        DBTaskResult.objects.filter(pk=job.pk).update(
            status="RUNNING",
            started_at=timezone.now(),
            worker_ids=[*(f"w{n}" for n in range(2, claims + 1)), worker],
        )
        return DBTaskResult.objects.get(pk=job.pk)

    def _lease(self, worker: str, expires_in: timedelta) -> None:
        WorkerLease.objects.create(worker_id=worker, expires_at=timezone.now() + expires_in)

    def test_the_job_of_a_worker_whose_lease_lapsed_goes_back_to_the_queue(self) -> None:
        job = self._running("w1")
        self._lease("w1", -timedelta(seconds=1))
        assert jobs.reclaim_stale_jobs() == [str(job.pk)]
        job.refresh_from_db()
        assert job.status == "READY"
        assert not WorkerLease.objects.exists()

    def test_the_job_of_a_worker_whose_lease_is_renewed_stays_with_it(self) -> None:
        job = self._running("w1")
        self._lease("w1", timedelta(seconds=30))
        assert jobs.reclaim_stale_jobs() == []
        job.refresh_from_db()
        assert job.status == "RUNNING"

    def test_only_the_dead_workers_jobs_are_taken(self) -> None:
        dead, living = self._running("w1"), self._running("w2")
        self._lease("w2", timedelta(seconds=30))
        assert jobs.reclaim_stale_jobs() == [str(dead.pk)]
        living.refresh_from_db()
        assert living.status == "RUNNING"

    def test_a_job_that_took_down_every_worker_it_met_fails_instead(self) -> None:
        job = self._running(claims=jobs.MAX_CLAIMS)
        jobs.reclaim_stale_jobs()
        job.refresh_from_db()
        assert job.status == "FAILED"
        assert job.exception_class_path == "kefu.core.jobs.WorkerLost"

    def test_a_worker_holds_its_lease_while_it_runs_and_drops_it_at_the_end(self) -> None:
        with jobs.leased("w9"):
            (lease,) = WorkerLease.objects.all()
            assert lease.worker_id == "w9"
            assert lease.expires_at > timezone.now()
        assert not WorkerLease.objects.exists()


def test_the_worker_command_is_the_leasing_one() -> None:
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "kefu.core"
