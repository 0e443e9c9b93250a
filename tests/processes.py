"""Kefu processes for tests: a fresh database of either kind, and `kefu` children on it.

Children start through `kefu.core.children`, so they stop with the test (own process
group, and a death signal if the test run itself is killed).
"""

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from kefu.core import children
from tests.services import require_postgres

ROOT = Path(__file__).resolve().parent.parent
KEFU = [sys.executable, "-m", "kefu.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    """A migrated database and the environment of the processes that share it."""

    env: dict[str, str]
    query: Callable[[str], list[tuple[Any, ...]]]

    def kefu(self, *command: str, **popen: Any) -> "subprocess.Popen[Any]":
        return children.start([*KEFU, *command], env=self.env, **popen)

    def shell(self, script: str) -> Any:
        """Run a `kefu shell` script; its last line of output is JSON."""
        result = subprocess.run(
            [*KEFU, "shell", "-c", script],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])


def _sqlite_query(path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(path, timeout=20)) as connection:
            return connection.execute(sql).fetchall()

    return query


def _postgres_query(url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(url) as connection:
            return connection.execute(sql).fetchall()

    return query


@contextlib.contextmanager
def site(kind: str, tmp_path: Path, **settings: str) -> Iterator[Site]:
    """A freshly migrated SQLite file or PostgreSQL database, dropped afterwards."""
    env = {
        **os.environ,
        "KEFU_VAR_DIR": str(tmp_path),
        "KEFU_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "kefu.settings",
        **settings,
    }
    env.pop("KEFU_DATABASE_URL", None)
    if kind == "sqlite":
        env["KEFU_SQLITE_PATH"] = str(tmp_path / "site.sqlite3")
        subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
        yield Site(env, _sqlite_query(tmp_path / "site.sqlite3"))
        return
    postgres = require_postgres()
    name = f"kefu_site_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["KEFU_DATABASE_URL"] = url = postgres.rsplit("/", 1)[0] + "/" + name
    try:
        subprocess.run([*KEFU, "migrate", "-v0"], env=env, check=True)
        yield Site(env, _postgres_query(url))
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Poll until `condition` holds; a bound on a hang, not a timing assertion."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


def descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            listed = (task / "children").read_text().split()
        except FileNotFoundError:
            continue  # a thread that ended after the listing
        for child in listed:
            found |= {int(child), *descendants(int(child))}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
