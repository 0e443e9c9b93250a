"""The SQLite backend's writer mutex: writers of a process queue on it, and every way a
transaction ends gives it back (a mutex kept by mistake would freeze every writer)."""

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from kefu.core.db.sqlite3.base import DatabaseWrapper, writer_lock

ALIAS = "writer_lock_check"


@pytest.fixture
def database(tmp_path: Path, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Settings of a WAL database file of this test's own, with one table `t`."""
    path = tmp_path / "writers.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    settings_dict = {
        **connections["default"].settings_dict,
        "ENGINE": "kefu.core.db.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
        "TEST": {},
    }
    with django_db_blocker.unblock():
        yield settings_dict


def connect(settings_dict: dict[str, Any]) -> DatabaseWrapper:
    """A connection under ALIAS for the calling thread (Django's connections are per thread)."""
    wrapper = DatabaseWrapper(settings_dict, alias=ALIAS)
    connections[ALIAS] = wrapper
    return wrapper


def rows(settings_dict: dict[str, Any]) -> int:
    with sqlite3.connect(settings_dict["NAME"]) as reader:
        count: int = reader.execute("SELECT count(*) FROM t").fetchone()[0]
        return count


def test_writers_in_threads_all_commit(database: dict[str, Any]) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        wrapper = connect(database)
        try:
            for i in range(20):
                with transaction.atomic(using=ALIAS), wrapper.cursor() as cursor:
                    cursor.execute("INSERT INTO t (n) VALUES (%s)", [n * 100 + i])
        except BaseException as error:
            errors.append(error)
        finally:
            wrapper.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert rows(database) == 160
    assert not writer_lock(database["NAME"]).locked()


def test_the_lock_is_held_for_the_transaction_only(database: dict[str, Any]) -> None:
    wrapper = connect(database)
    lock = writer_lock(database["NAME"])
    with transaction.atomic(using=ALIAS):
        assert lock.locked()
        with transaction.atomic(using=ALIAS):  # a savepoint takes nothing more
            wrapper.cursor().execute("INSERT INTO t (n) VALUES (1)")
    assert not lock.locked()
    wrapper.close()


def insert(wrapper: DatabaseWrapper, then: Callable[[], object] = lambda: None) -> None:
    """One row in a transaction of its own, and `then` before it commits."""
    with transaction.atomic(using=ALIAS):
        wrapper.cursor().execute("INSERT INTO t (n) VALUES (1)")
        then()


def test_the_lock_is_released_when_the_block_raises(database: dict[str, Any]) -> None:
    wrapper = connect(database)
    with pytest.raises(ZeroDivisionError):
        insert(wrapper, lambda: 1 / 0)
    assert not writer_lock(database["NAME"]).locked()
    assert rows(database) == 0
    wrapper.close()


def test_the_lock_is_released_when_the_connection_closes_mid_transaction(
    database: dict[str, Any],
) -> None:
    wrapper = connect(database)
    with transaction.atomic(using=ALIAS):
        wrapper.cursor().execute("INSERT INTO t (n) VALUES (1)")
        wrapper.close()
        assert not writer_lock(database["NAME"]).locked()
    assert rows(database) == 0


def test_the_lock_is_released_when_begin_fails(database: dict[str, Any]) -> None:
    """Another process holds SQLite's write lock past the timeout: BEGIN fails, the mutex
    must not stay taken."""
    wrapper = connect({**database, "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.1}})
    other = sqlite3.connect(database["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError), transaction.atomic(using=ALIAS):
            pass
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not writer_lock(database["NAME"]).locked()
    insert(wrapper)  # and the next writer gets on
    assert rows(database) == 1
    wrapper.close()


def fail(self: BaseDatabaseWrapper) -> None:
    raise OperationalError("disk I/O error")


def test_the_lock_is_released_when_commit_fails(
    database: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapper = connect(database)
    monkeypatch.setattr(BaseDatabaseWrapper, "_commit", fail)
    with pytest.raises(OperationalError):
        insert(wrapper)
    monkeypatch.undo()
    assert not writer_lock(database["NAME"]).locked()
    wrapper.close()


def test_a_held_lock_delays_a_writer_but_does_not_freeze_it(database: dict[str, Any]) -> None:
    """A mutex held past the connection's timeout (a bug elsewhere) leaves the wait to
    SQLite instead of blocking for ever."""
    wrapper = connect({**database, "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0.1}})
    lock = writer_lock(database["NAME"])
    lock.acquire()
    try:
        insert(wrapper)
    finally:
        lock.release()
    assert rows(database) == 1
    wrapper.close()
