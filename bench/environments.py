"""What the benchmarks share: the environment of a child process on a SQLite file or on a
throwaway PostgreSQL database, so each run starts from a freshly migrated one; and the
starting of children that never outlive the bench.

Every child (uvicorn, workers, step processes) starts through `start_child` (stopped with
`stop_child`) or `run_captured`: in its own process group, stopped as a group, and sent
SIGTERM by the kernel if the bench is killed outright (kefu/core/children.py). Each
bench calls `exit_on_sigterm()` first in main(), so SIGTERM runs its clean-up too.
"""

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The one mechanism, shared with `kefu serve`: own process group plus a death signal.
from kefu.core.children import exit_on_sigterm, running  # noqa: E402
from kefu.core.children import start as start_child  # noqa: E402
from kefu.core.children import stop as stop_child  # noqa: E402

__all__ = ["exit_on_sigterm", "start_child", "stop_child"]

PG_ADMIN_URL = os.environ.get("KEFU_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")


def base_env(var_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    env.update(
        {
            "KEFU_VAR_DIR": str(var_dir),
            "KEFU_MEDIA_ROOT": str(var_dir / "media"),
            "KEFU_SECRET_KEY": "bench-" + "x" * 40,
            "KEFU_DEBUG": "0",
            "KEFU_LOG_LEVEL": "ERROR",
            "KEFU_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
            **(extra or {}),
        }
    )
    return env


@contextlib.contextmanager
def sqlite_env(tmp: Path, extra: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    env = base_env(tmp / "sqlite", extra)
    env["KEFU_SQLITE_PATH"] = str(tmp / "sqlite" / "bench.sqlite3")
    env.pop("KEFU_DATABASE_URL", None)
    yield env


@contextlib.contextmanager
def temporary_postgres(prefix: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards even if clients remain."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    admin_url = PG_ADMIN_URL.rstrip("/") + "/postgres"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rstrip("/") + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_env(
    tmp: Path, prefix: str, extra: dict[str, str] | None = None
) -> Iterator[dict[str, str]]:
    with temporary_postgres(prefix) as url:
        env = base_env(tmp / "postgres", extra)
        env["KEFU_DATABASE_URL"] = url
        yield env


def postgres_unreachable() -> str | None:
    """None when PostgreSQL can be used, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL.rstrip("/") + "/postgres", connect_timeout=3):
            return None
    except Exception as error:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {error}".strip()


def run_captured(
    command: Sequence[str], timeout: float | None = None, **popen: Any
) -> "subprocess.CompletedProcess[Any]":
    """subprocess.run for a child that dies with the bench (its whole group is stopped)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    with running(command, **popen) as process:
        stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(list(command), process.returncode, stdout, stderr)


def run_json_child(script: str, args: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a bench's own measuring step in a child; the JSON object on its last line."""
    return run_json_step(script, ["--child", *args], env)


def run_json_step(
    script: str, args: Sequence[str], env: dict[str, str], timeout: float | None = None
) -> dict[str, Any]:
    """Run `script` with `args` in a child; the JSON object on its last line."""
    done = run_captured(
        [sys.executable, script, *args], env=env, cwd=ROOT, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise SystemExit(
            f"benchmark step {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@dataclasses.dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextlib.contextmanager
def uvicorn_server(
    env: dict[str, str],
    app: Sequence[str],
    port: int,
    workers: int,
    log_path: Path,
    is_up: Callable[[str], bool],
) -> Iterator[Server]:
    """`uvicorn app` on 127.0.0.1:`port` until the block ends; `is_up(base)` says it answers.

    Keep-alive outlasts any wait under load: a connection the server closes just as the
    client reuses it would count as an error that is not the app's.
    """
    command = [
        sys.executable, "-m", "uvicorn", *app,
        "--host", "127.0.0.1", "--port", str(port),
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        "--workers", str(workers), "--timeout-keep-alive", "120",
    ]  # fmt: skip
    with served(command, "uvicorn", env, port, log_path, is_up) as server:
        yield server


@contextlib.contextmanager
def served(
    command: Sequence[str],
    name: str,
    env: dict[str, str],
    port: int,
    log_path: Path,
    is_up: Callable[[str], bool],
) -> Iterator[Server]:
    """The server `command` (in its own process group) until the block ends, once
    `is_up(base)` says it answers on 127.0.0.1:`port`; its log goes to `log_path`."""
    import httpx

    with log_path.open("w") as output:
        process = start_child(list(command), env=env, cwd=ROOT, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if is_up(base):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield Server(base, process.pid)
    finally:
        stop_child(process, timeout=15)


def on_each_database(
    prefix: str,
    no_postgres: bool,
    measure: Callable[[dict[str, str]], dict[str, Any]],
    report: Callable[[str, dict[str, Any]], None],
    sqlite_label: str = "SQLite FTS5",
) -> dict[str, Any]:
    """measure() on a fresh SQLite file, then on a throwaway PostgreSQL database (noted
    and skipped when unreachable); {"backends": {vendor: figures}, "notes": [...]}."""
    results: dict[str, Any] = {"backends": {}, "notes": []}
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp_name:
        tmp = Path(tmp_name)
        with sqlite_env(tmp) as env:
            results["backends"]["sqlite"] = measure(env)
        report(sqlite_label, results["backends"]["sqlite"])
        unreachable = "skipped (--no-postgres)" if no_postgres else postgres_unreachable()
        if unreachable:
            results["notes"].append(unreachable)
            print(unreachable, flush=True)
        else:
            with postgres_env(tmp, prefix.replace("-", "_")) as pg_env:
                results["backends"]["postgresql"] = measure(pg_env)
            report("PostgreSQL", results["backends"]["postgresql"])
    return results
