"""The chat socket's database work, on a small thread pool of its own.

Channels' `database_sync_to_async` runs every consumer's database work of a process on
one shared thread: a process serving hundreds of chat sockets stores their messages one
after another, each waiting for the previous one's round trips to the database. Here a
few threads do that work side by side.

Each call hands its thread's connections back when it returns. Django keeps one
connection per thread, and a pooled PostgreSQL connection stays checked out until it is
closed; `database_sync_to_async` relies on `close_old_connections` for that, which keeps
a connection younger than CONN_MAX_AGE and which Channels' test communicator replaces
with a no-op. With one database thread per process that holds one connection; with a
pool of threads (a new pool per event loop, in tests) it held one per thread, never
returned, until the PostgreSQL pool ran dry.
"""

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from functools import wraps
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

P = ParamSpec("P")
R = TypeVar("R")

# Below the PostgreSQL pool's size per process (KEFU_DB_POOL_MAX, 10 in the benchmark),
# so that the HTTP thread and the job enqueues still find a connection; more threads than
# this only queue on the database and the process's cores.
THREADS = 4

_executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kefu-chat-db")


def _returning_connections(func: Callable[P, R]) -> Callable[P, R]:
    @wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        # A connection broken by an earlier call is dropped before it is used again.
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            # Close, whatever its age: a pooled connection goes back to the pool, and an
            # idle thread holds none.
            connections.close_all()

    return run


def in_db_thread(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`func` as a coroutine function that runs on the chat's database threads."""
    return sync_to_async(_returning_connections(func), thread_sensitive=False, executor=_executor)
