"""Worker leases, so that a job whose worker died runs again instead of never.

django-tasks-db marks a claimed job RUNNING and nothing more (upstream: django-tasks-db
issue 5), so a worker killed mid-job left the job RUNNING for ever. Kefu's worker
(`kefu db_worker`) holds a lease for as long as it runs, renewed by a heartbeat thread
whatever the job in hand is doing; `reclaim_stale_jobs` (a periodic job of `kefu
scheduler`) puts the RUNNING jobs of a worker whose lease lapsed back in the queue. The
job row already names its worker (the last of `worker_ids`), so a lease per worker costs
no write per job; a lease per job halved the throughput (BENCHMARKS.md, "Jobs").

Why a slow job is never run twice: its worker's heartbeat keeps renewing, and the
reclaim takes a lease only by deleting it where it has lapsed, a conditional write that
a renewal races with; the database lets exactly one of them happen. A worker frozen for
longer than the lease (a suspended VM) does lose its job, and finds out at its next beat.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.core.models import WorkerLease

logger = logging.getLogger(__name__)

RUNNING, READY = "RUNNING", "READY"
# A job that took its worker down this many times (a crash it causes itself, an OOM) is
# failed instead of being handed to the next worker to crash again. Above the delivery
# job's own MAX_ATTEMPTS (6), so that job, which counts its attempts, fails its message
# visibly first.
MAX_CLAIMS = 10
_RECLAIM_BATCH = 200


class WorkerLost(Exception):
    """Recorded as the error of a job failed after MAX_CLAIMS workers died running it."""


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.KEFU_JOB_LEASE_SECONDS)


def _renew(worker_id: str) -> None:
    renewed = WorkerLease.objects.filter(worker_id=worker_id).update(
        expires_at=timezone.now() + lease_duration()
    )
    if not renewed:
        logger.error(
            "worker %s lost its lease (it did not renew in time, frozen or cut off from the "
            "database); the job it was running was given back and may run twice",
            worker_id,
        )
        WorkerLease.objects.create(
            worker_id=worker_id, expires_at=timezone.now() + lease_duration()
        )


def _beat(worker_id: str, stopped: threading.Event) -> None:
    try:
        while not stopped.wait(lease_duration().total_seconds() / 4):
            try:
                _renew(worker_id)
            except DatabaseError:
                # The next beat tries again; if the database stays away for the whole lease
                # the jobs are given back, which is right: nobody can tell this worker lives.
                logger.exception("worker %s could not renew its lease", worker_id)
    finally:
        connections.close_all()  # this thread's own connections


@contextlib.contextmanager
def leased(worker_id: str) -> Iterator[None]:
    """Hold a lease for `worker_id` while the block runs (the worker's whole life)."""
    WorkerLease.objects.update_or_create(
        worker_id=worker_id, defaults={"expires_at": timezone.now() + lease_duration()}
    )
    stopped = threading.Event()
    heartbeat = threading.Thread(
        target=_beat, args=(worker_id, stopped), name="lease heartbeat", daemon=True
    )
    heartbeat.start()
    try:
        yield
    finally:
        stopped.set()
        heartbeat.join()
        WorkerLease.objects.filter(worker_id=worker_id).delete()


def _holder(job: "DBTaskResult[Any, Any]") -> str:
    return str(job.worker_ids[-1]) if job.worker_ids else ""


def _take_lapsed_leases(workers: set[str], now: datetime) -> set[str]:
    """The workers among these that are gone; their leases are deleted in the asking."""
    alive = set(
        WorkerLease.objects.filter(worker_id__in=workers, expires_at__gte=now).values_list(
            "worker_id", flat=True
        )
    )
    gone = set()
    for worker_id in workers - alive:
        # Deleting only a lapsed lease is the one write a late renewal races with.
        deleted = WorkerLease.objects.filter(worker_id=worker_id, expires_at__lt=now).delete()[0]
        if deleted or not WorkerLease.objects.filter(worker_id=worker_id).exists():
            gone.add(worker_id)
    return gone


def reclaim_stale_jobs(now: datetime | None = None) -> list[str]:
    """Put the RUNNING jobs of workers whose lease lapsed back in the queue; their ids."""
    now = now or timezone.now()
    running = DBTaskResult.objects.filter(status=RUNNING)
    held = {job.pk: _holder(job) for job in running.only("worker_ids")[:_RECLAIM_BATCH]}
    reclaimed: list[str] = []
    if not held:
        return reclaimed  # no write transaction (on SQLite, no write lock) for nothing
    with transaction.atomic():
        gone = _take_lapsed_leases(set(held.values()), now)
        orphans = [pk for pk, holder in held.items() if holder in gone]
        # Only the orphans are locked: a live worker finishing its job never waits here.
        for job in running.filter(pk__in=orphans).select_for_update(skip_locked=True):
            if _holder(job) in gone:  # not given back and claimed again meanwhile
                _give_back(job)
                reclaimed.append(str(job.pk))
    for job_id in reclaimed:
        logger.warning("job %s was reclaimed: its worker stopped renewing its lease", job_id)
    return reclaimed


def _give_back(job: "DBTaskResult[Any, Any]") -> None:
    if len(job.worker_ids) >= MAX_CLAIMS:
        job.set_failed(WorkerLost(f"{len(job.worker_ids)} workers stopped while running this job."))
        return
    job.status = READY
    job.save(update_fields=["status"])
