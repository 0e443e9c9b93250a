"""Django's SQLite backend, with one writer at a time per database file in a process.

Under ASGI each request runs its sync code in a thread of its own, so concurrent writes
of one process meet at SQLite's write lock. `BEGIN IMMEDIATE` waits there in SQLite's
busy handler, which polls with sleeps of 1 to 100 ms: a writer can sleep long after the
lock is free, and those sleeps are the create's p99. Taking a process-wide mutex before
`BEGIN IMMEDIATE` makes the writers of a process queue and wake the moment the previous
one commits; writers of other processes (the job worker, a second app process) still
meet at SQLite's lock, as before.
"""

import threading
from typing import Any

from django.db.backends.sqlite3 import base

# One mutex per database file. A writer that cannot get it within the connection's
# timeout begins anyway and leaves the wait to SQLite, as without the mutex: a lock
# held too long (or leaked by a bug) slows writers down but never freezes the process.
_writer_locks: dict[str, threading.Lock] = {}
_writer_locks_guard = threading.Lock()


def writer_lock(name: str) -> threading.Lock:
    """The process-wide writer mutex of the database file `name`."""
    with _writer_locks_guard:
        return _writer_locks.setdefault(name, threading.Lock())


# django-stubs leave out the transaction hooks overridden here (and transaction_mode).
_SQLiteDatabaseWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_SQLiteDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_writer_lock: threading.Lock | None = None

    def _start_transaction_under_autocommit(self) -> None:
        if self.transaction_mode != "IMMEDIATE":
            # A deferred transaction may only read: it must not hold writers up.
            super()._start_transaction_under_autocommit()
            return
        lock = writer_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        if lock.acquire(timeout=timeout):
            self._held_writer_lock = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _release_writer_lock(self) -> None:
        lock, self._held_writer_lock = self._held_writer_lock, None
        if lock is not None:
            lock.release()

    # The transaction ends in one of these three, whether it succeeds or raises.

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release_writer_lock()
