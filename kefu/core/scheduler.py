"""Periodic work, run by `kefu scheduler` on any number of hosts, each due run claimed once.

Apps register their periodic jobs in their AppConfig.ready() (core imports no app):

    scheduler.register("routing.idle_chats", every=lambda: timedelta(seconds=60), run=...)

Each job has a `PeriodicRun` row holding when it is next due. A scheduler claims a due
run by moving `next_run_at` forward with a conditional UPDATE (`… WHERE next_run_at <=
now`): the database lets one UPDATE match, so with schedulers on several hosts each run
happens once. A run that fails is logged and the job runs again at its next time; a
scheduler that dies mid-run loses that run only, which the periodic jobs here tolerate
(each is a sweep that the next run repeats).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from kefu.core.models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # Read at each run, so that nothing reads settings at import time.
    every: Callable[[], timedelta]
    # Returns a line for the log ("warned 2, resolved 1"), or "" when there was nothing to do.
    run: Callable[[], str]


_JOBS: dict[str, PeriodicJob] = {}


def register(name: str, *, every: Callable[[], timedelta], run: Callable[[], str]) -> None:
    _JOBS[name] = PeriodicJob(name=name, every=every, run=run)


def registered() -> list[PeriodicJob]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def _claim(job: PeriodicJob, now: datetime) -> bool:
    return bool(
        PeriodicRun.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every()
        )
    )


def run_due(now: datetime | None = None) -> dict[str, str]:
    """Run every registered job that is due and that this call claimed; name → summary."""
    now = now or timezone.now()
    PeriodicRun.objects.bulk_create(
        [PeriodicRun(name=job.name, next_run_at=now) for job in registered()],
        ignore_conflicts=True,
    )
    done = {}
    for job in registered():
        try:
            if not _claim(job, now):
                continue
            done[job.name] = job.run()
        except Exception:
            # A failed run (a database restart, a bug in one job) must stop neither the
            # other jobs nor the next run of this one; the command's loop replaces a
            # broken connection before the next tick.
            logger.exception("periodic job %s failed", job.name)
    return done
