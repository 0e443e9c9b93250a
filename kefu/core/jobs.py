"""Leases on running jobs, so that a job whose worker died runs again instead of never.

django-tasks-db marks a claimed job RUNNING and nothing more (upstream: django-tasks-db
issue 5), so a worker killed mid-job left the job RUNNING for ever. Kefu's worker
(`kefu db_worker`) takes a lease on each job it runs and renews it from a heartbeat
thread while the job runs; `reclaim_stale_jobs` (a periodic job of `kefu scheduler`)
puts a job whose lease lapsed back in the queue.

Why a slow job is never run twice: the heartbeat renews the lease whatever the job is
doing, and both the renewal and the reclaim are conditional writes on the lease row, so
exactly one of them wins; the lease is created under the job row's lock, which the
reclaim takes too. Only a worker that stopped renewing (killed, or frozen for longer
than the lease) loses its job.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kefu.core.models import JobLease

logger = logging.getLogger(__name__)

RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"
# A job that took its worker down this many times (a crash it causes itself, an OOM) is
# failed instead of being handed to the next worker to crash again.
MAX_CLAIMS = 5
_RECLAIM_BATCH = 200


class WorkerLost(Exception):
    """Recorded as the error of a job failed after MAX_CLAIMS workers died running it."""


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.KEFU_JOB_LEASE_SECONDS)


def _take_lease(job_id: UUID, worker_id: str) -> bool:
    """Lease a job this worker has just claimed; False if a reclaim took it meanwhile."""
    with transaction.atomic():
        job = DBTaskResult.objects.select_for_update().filter(pk=job_id, status=RUNNING).first()
        if job is None or job.worker_ids[-1:] != [worker_id]:
            return False
        JobLease.objects.update_or_create(
            job=job,
            defaults={"worker_id": worker_id, "expires_at": timezone.now() + lease_duration()},
        )
    return True


def _heartbeat(job_id: UUID, worker_id: str, stopped: threading.Event) -> None:
    try:
        while not stopped.wait(lease_duration().total_seconds() / 4):
            try:
                renewed = JobLease.objects.filter(job_id=job_id, worker_id=worker_id).update(
                    expires_at=timezone.now() + lease_duration()
                )
            except DatabaseError:
                # The next beat tries again; if the database stays away for the whole lease,
                # the job is reclaimed, which is right: nobody can tell this worker is alive.
                logger.exception("could not renew the lease of job %s", job_id)
                continue
            if not renewed:
                logger.error(
                    "job %s was reclaimed while its worker %s was still running it "
                    "(the worker did not renew its lease in time); it may run twice",
                    job_id,
                    worker_id,
                )
                return
    finally:
        connections.close_all()  # this thread's own connections


@contextlib.contextmanager
def leased(job_id: UUID, worker_id: str) -> Iterator[bool]:
    """Hold a lease on a claimed job while the block runs; yields False if it was lost."""
    if not _take_lease(job_id, worker_id):
        yield False
        return
    stopped = threading.Event()
    beat = threading.Thread(
        target=_heartbeat, args=(job_id, worker_id, stopped), name=f"lease {job_id}", daemon=True
    )
    beat.start()
    try:
        yield True
    finally:
        stopped.set()
        beat.join()
        JobLease.objects.filter(job_id=job_id, worker_id=worker_id).delete()


def reclaim_stale_jobs(now: datetime | None = None) -> list[str]:
    """Put RUNNING jobs whose worker stopped renewing its lease back in the queue.

    Also a job claimed longer than a lease ago that never got a lease: its worker died
    between claiming and leasing. Returns the ids of the jobs taken back.
    """
    now = now or timezone.now()
    stale = Q(lease__expires_at__lt=now) | Q(
        lease__isnull=True, started_at__lt=now - lease_duration()
    )
    reclaimed = []
    with transaction.atomic():
        # The lease of a finished job is only garbage its worker had no time to delete.
        JobLease.objects.exclude(job__status=RUNNING).delete()
        candidates = (
            DBTaskResult.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(stale, status=RUNNING)
            .order_by("started_at")[:_RECLAIM_BATCH]
        )
        for job in candidates:
            if _lapsed(job, now):
                _give_back(job)
                reclaimed.append(str(job.pk))
    for job_id in reclaimed:
        logger.warning("job %s was reclaimed: its worker stopped renewing its lease", job_id)
    return reclaimed


def _lapsed(job: "DBTaskResult[Any, Any]", now: datetime) -> bool:
    """Re-checked under the job's row lock: a heartbeat may have renewed since the query.

    Deleting only a lapsed lease is the one write a heartbeat's renewal races with; the
    database lets exactly one of the two happen.
    """
    if not JobLease.objects.filter(job_id=job.pk).exists():
        # Claimed again since the query (by a worker that has yet to lease it)?
        return job.started_at is not None and job.started_at < now - lease_duration()
    return JobLease.objects.filter(job_id=job.pk, expires_at__lt=now).delete()[0] == 1


def _give_back(job: "DBTaskResult[Any, Any]") -> None:
    if len(job.worker_ids) >= MAX_CLAIMS:
        job.set_failed(WorkerLost(f"{len(job.worker_ids)} workers stopped while running this job."))
        return
    job.status = READY
    job.save(update_fields=["status"])
