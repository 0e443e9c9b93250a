"""Background jobs: throughput of the queue with leases, and what a dead worker costs.

    .venv/bin/python bench/jobs.py [--quick] [--no-postgres]

For SQLite (a WAL file) and PostgreSQL (a temporary database `kefu_jobs_bench_<pid>` at
postgres://postgres@127.0.0.1:5432/, skipped with a note when unreachable), on a freshly
migrated database:

1. throughput: N no-op jobs queued (1,000; 100 with --quick), then drained by 1 and by
   2 worker processes (1 with --quick), with django-tasks-db's own worker (the baseline)
   and with Kefu's (a lease per worker, renewed by a heartbeat thread); jobs/s from the
   first start to the last finish recorded on the job rows, best of two alternated runs
   (one with --quick);
2. reclaim: a job whose worker is killed (SIGKILL) while running it, with `kefu
   scheduler` and a second worker running: seconds from the kill until the job is back
   in the queue and until it finished (KEFU_JOB_LEASE_SECONDS is 4 here, 60 by default;
   the bound is 1.5 leases plus the scheduler's 1 s tick);
3. without --quick and if django-q2 is installed (`pip install django-q2==1.11.1`; Kefu
   does not depend on it): the same throughput with its ORM broker (`qcluster`), the
   same kill with `retry` = 4 s, and a job that runs 2.5 × `retry` on a living
   cluster: how many times it ran (django-q2 re-queues by time, without a heartbeat).

Human-readable lines first; the last line is one JSON object with every figure.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import DEVNULL
from typing import Any

from environments import (
    exit_on_sigterm,
    postgres_env,
    postgres_unreachable,
    run_captured,
    sqlite_env,
    start_child,
    stop_child,
)

LEASE_SECONDS = 4
# Written to the run's own folder: the jobs (importable by every process) and, when
# django-q2 is installed, a settings module that adds it to Kefu's.
JOBS_MODULE = '''
import os, time
from django_tasks import task

@task()
def noop() -> None:
    return None

@task()
def hang_once(marker: str) -> None:
    plain_hang_once(marker)

def plain_noop() -> None:
    return None

def plain_hang_once(marker: str, seconds: float = 600) -> None:
    """Hangs the first time (until its worker is killed), returns at once afterwards."""
    if os.path.exists(marker):
        return
    open(marker, "w").close()
    time.sleep(seconds)

def plain_count_and_sleep(log: str, seconds: float) -> None:
    with open(log, "a") as runs:
        runs.write("run\\n")
    time.sleep(seconds)
'''
Q_SETTINGS = """
from kefu.settings import *  # noqa
INSTALLED_APPS = [*INSTALLED_APPS, "django_q"]
# django-q2's broker fails on a pooled connection ("the last operation didn't produce
# records"): give it plain ones.
DATABASES["default"].get("OPTIONS", {{}}).pop("pool", None)
Q_CLUSTER = {{
    "name": "bench", "orm": "default", "workers": int(os.environ.get("Q_WORKERS", "1")),
    "retry": {retry}, "timeout": None, "poll": 0.05, "save_limit": 0, "catch_up": False,
}}
"""


def log(line: str) -> None:
    print(line, flush=True)


def has_django_q() -> bool:
    try:
        import django_q  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- steps, inside Django


def _django() -> None:
    import django

    django.setup()


def step_enqueue(count: int) -> dict[str, Any]:
    _django()
    from bench_jobs_tasks import noop
    from django.db import transaction

    with transaction.atomic():
        for _ in range(count):
            noop.enqueue()
    return {"queued": count}


def step_worker(kind: str) -> dict[str, Any]:
    _django()
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    from kefu.core.management.commands.db_worker import LeasingWorker

    worker = (LeasingWorker if kind == "leasing" else Worker)(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    worker.run()
    return {}


def step_drained() -> dict[str, Any]:
    """Jobs/s between the first start and the last finish; then clear the table."""
    _django()
    from django.db.models import Count, Max, Min
    from django_tasks_db.models import DBTaskResult

    span = DBTaskResult.objects.aggregate(
        first=Min("started_at"), last=Max("finished_at"), done=Count("pk")
    )
    unfinished = DBTaskResult.objects.exclude(status="SUCCESSFUL").count()
    DBTaskResult.objects.all().delete()
    seconds = (span["last"] - span["first"]).total_seconds()
    return {"jobs": span["done"], "unfinished": unfinished, "seconds": seconds}


def step_enqueue_hang(marker: str) -> dict[str, Any]:
    _django()
    from bench_jobs_tasks import hang_once

    return {"id": str(hang_once.enqueue(marker).id)}


def step_job_status(job_id: str) -> dict[str, Any]:
    _django()
    from django_tasks_db.models import DBTaskResult

    return {"status": DBTaskResult.objects.get(pk=job_id).status}


def step_q_enqueue(count: int, function: str, args: list[Any]) -> dict[str, Any]:
    _django()
    from django.db import transaction
    from django_q.models import OrmQ, Success
    from django_q.tasks import async_task

    Success.objects.all().delete()
    OrmQ.objects.all().delete()
    with transaction.atomic():
        for _ in range(count):
            async_task(function, *args)
    return {"queued": count}


def step_q_drained() -> dict[str, Any]:
    _django()
    from django.db.models import Count, Max, Min
    from django_q.models import OrmQ, Success

    span = Success.objects.aggregate(first=Min("started"), last=Max("stopped"), done=Count("pk"))
    seconds = (span["last"] - span["first"]).total_seconds() if span["done"] else 0
    return {"jobs": span["done"], "queued": OrmQ.objects.count(), "seconds": seconds}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "enqueue": step_enqueue,
    "worker": step_worker,
    "drained": step_drained,
    "enqueue_hang": step_enqueue_hang,
    "job_status": step_job_status,
    "q_enqueue": step_q_enqueue,
    "q_drained": step_q_drained,
}


# ---------------------------------------------------------------- the parent


def step(env: dict[str, str], name: str, *args: Any) -> dict[str, Any]:
    done = run_captured(
        [sys.executable, __file__, "--step", name, json.dumps(args)], env=env, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def wait_until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("gave up waiting")
        time.sleep(0.05)


def throughput(env: dict[str, str], kind: str, workers: int, count: int) -> float:
    step(env, "enqueue", count)
    command = [sys.executable, __file__, "--step", "worker", json.dumps([kind])]
    running = [start_child(command, env=env, stdout=DEVNULL) for _ in range(workers)]
    try:
        for worker in running:
            worker.wait()
    finally:
        stop_child(*running)
    drained = step(env, "drained")
    if drained["unfinished"] or drained["jobs"] != count:
        raise RuntimeError(f"jobs left undone: {drained}")
    return round(count / drained["seconds"], 1)


def kefu(env: dict[str, str], *command: str) -> Any:
    return start_child([sys.executable, "-m", "kefu.cli", *command], env=env, stdout=DEVNULL)


def kefu_reclaim(env: dict[str, str], tmp: Path) -> dict[str, float]:
    """Seconds from a worker's SIGKILL until its job is back in the queue, and until done.

    The scheduler and a second worker run already, as they would on a live site.
    """
    job = step(env, "enqueue_hang", str(tmp / "hung"))["id"]
    worker_command = ("db_worker", "--queue-name", "*", "--interval", "0.05", "--no-reload")
    first = kefu(env, *worker_command)
    others = [kefu(env, "scheduler")]
    try:
        wait_until(lambda: (tmp / "hung").exists())
        others.append(kefu(env, *worker_command))
        time.sleep(5)  # the second worker is up before the kill
        os.kill(first.pid, signal.SIGKILL)
        killed = time.monotonic()
        seen: dict[str, float] = {}

        def done() -> bool:
            status = step(env, "job_status", job)["status"]
            if status != "RUNNING":
                seen.setdefault("reclaimed_after_s", round(time.monotonic() - killed, 1))
            return bool(status == "SUCCESSFUL")

        wait_until(done)
        seen["finished_after_s"] = round(time.monotonic() - killed, 1)
        return seen
    finally:
        stop_child(first, *others)


def q_cluster(env: dict[str, str], workers: int) -> Any:
    # Its warning that `retry` should exceed `timeout` is the point of the last figure.
    quiet = {"Q_WORKERS": str(workers), "PYTHONWARNINGS": "ignore::UserWarning"}
    return kefu({**env, **quiet}, "qcluster")


def q_throughput(env: dict[str, str], workers: int, count: int) -> float:
    step(env, "q_enqueue", count, "bench_jobs_tasks.plain_noop", [])
    cluster = q_cluster(env, workers)
    try:
        wait_until(lambda: step(env, "q_drained")["jobs"] >= count)
    finally:
        stop_child(cluster)
    return round(count / step(env, "q_drained")["seconds"], 1)


def q_reclaim(env: dict[str, str], tmp: Path) -> float:
    marker = tmp / "q-hung"
    step(env, "q_enqueue", 1, "bench_jobs_tasks.plain_hang_once", [str(marker)])
    first = q_cluster(env, 1)
    try:
        wait_until(lambda: marker.exists())
        os.killpg(first.pid, signal.SIGKILL)  # the whole cluster: sentinel, pusher, workers
        killed = time.monotonic()
        again = q_cluster(env, 1)
        try:
            wait_until(lambda: step(env, "q_drained")["jobs"] >= 1)
            return round(time.monotonic() - killed, 1)
        finally:
            stop_child(again)
    finally:
        stop_child(first)


def q_slow_job_runs(env: dict[str, str], tmp: Path, retry: int) -> int:
    runs = tmp / "q-runs"
    step(env, "q_enqueue", 1, "bench_jobs_tasks.plain_count_and_sleep", [str(runs), retry * 2.5])
    cluster = q_cluster(env, 2)
    try:
        # Every run is counted as it starts, and the first to finish ends the re-queueing.
        wait_until(lambda: step(env, "q_drained")["jobs"] >= 1)
    finally:
        stop_child(cluster)
    return len(runs.read_text().splitlines())


def run_database(
    env: dict[str, str],
    tmp: Path,
    count: int,
    worker_counts: tuple[int, ...],
    with_q: bool,
    repeats: int,
) -> dict[str, Any]:
    settings_dir = tmp / "modules"
    settings_dir.mkdir(parents=True, exist_ok=True)
    (settings_dir / "bench_jobs_tasks.py").write_text(textwrap.dedent(JOBS_MODULE))
    (settings_dir / "bench_jobs_q_settings.py").write_text(Q_SETTINGS.format(retry=LEASE_SECONDS))
    env = {
        **env,
        "PYTHONPATH": os.pathsep.join([str(settings_dir), env["PYTHONPATH"]]),
        "KEFU_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    if with_q:
        env["DJANGO_SETTINGS_MODULE"] = "bench_jobs_q_settings"
    migrate = run_captured([sys.executable, "-m", "kefu.cli", "migrate", "-v0"], env=env)
    if migrate.returncode:
        raise RuntimeError(f"migrate failed:\n{migrate.stderr[-3000:]!r}")
    result: dict[str, Any] = {"jobs": count, "lease_seconds": LEASE_SECONDS}
    for workers in worker_counts:
        # Alternated and best of `repeats`: on a shared machine the order alone moves figures.
        rates: dict[str, list[float]] = {"library": [], "leasing": []}
        for kind in ["library", "leasing", "leasing", "library"][: 2 * repeats]:
            rates[kind].append(throughput(env, kind, workers, count))
        for kind, measured in rates.items():
            rate = result[f"{kind}_{workers}_workers_per_s"] = max(measured)
            log(f"  {kind:8} worker × {workers}: {rate} jobs/s (runs: {measured})")
    reclaim = result["kefu_reclaim"] = kefu_reclaim(env, tmp)
    log(
        f"  kefu: a killed worker's job was back in the queue {reclaim['reclaimed_after_s']} s"
        f" after the kill, finished after {reclaim['finished_after_s']} s"
    )
    if not with_q:
        return result
    try:
        result.update(django_q2(env, tmp, count, worker_counts))
    except RuntimeError as error:  # a cluster that never drained is a figure too
        result["django_q2_error"] = str(error)[-500:]
        log(f"  django-q2 failed: {result['django_q2_error']}")
    return result


def django_q2(
    env: dict[str, str], tmp: Path, count: int, worker_counts: tuple[int, ...]
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for workers in worker_counts:
        rate = result[f"django_q2_{workers}_workers_per_s"] = q_throughput(env, workers, count)
        log(f"  django-q2 × {workers}: {rate} jobs/s")
    seconds = result["django_q2_reclaim_seconds"] = q_reclaim(env, tmp)
    log(f"  django-q2: the killed cluster's job finished {seconds} s after the kill")
    runs = result["django_q2_slow_job_runs"] = q_slow_job_runs(env, tmp, LEASE_SECONDS)
    log(f"  django-q2: a job running 2.5 × retry ran {runs} times")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a run of under a minute")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="?", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    exit_on_sigterm()
    if args.step:
        print(json.dumps(STEPS[args.step](*json.loads(args.args))))
        return
    count = 100 if args.quick else 1000
    worker_counts = (1,) if args.quick else (1, 2)
    repeats = 1 if args.quick else 2
    # The comparison with django-q2 is for the full run, where it is installed.
    with_q = has_django_q() and not args.quick
    figures: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "django_q2": "compared" if with_q else "not compared (full run with django-q2 installed)",
    }
    with tempfile.TemporaryDirectory(prefix="kefu-jobs-bench-") as folder:
        tmp = Path(folder)
        log("SQLite:")
        with sqlite_env(tmp / "sqlite") as env:
            figures["sqlite"] = run_database(
                env, tmp / "sqlite", count, worker_counts, with_q, repeats
            )
        unreachable = "skipped (--no-postgres)" if args.no_postgres else postgres_unreachable()
        if unreachable:
            figures["postgresql"] = unreachable
            log(f"PostgreSQL: {unreachable}")
        else:
            log("PostgreSQL:")
            with postgres_env(tmp, "kefu_jobs_bench") as env:
                figures["postgresql"] = run_database(
                    env, tmp / "postgres", count, worker_counts, with_q, repeats
                )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
