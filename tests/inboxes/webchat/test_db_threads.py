import asyncio
import threading
import time

import pytest
from django.db import connection

from kefu.inboxes.models import Inbox
from kefu.inboxes.webchat.db_threads import THREADS, in_db_thread
from tests.inboxes.webchat.conftest import frames_until, hello, open_chat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's"
    ),
]


def checked_out() -> int:
    """Connections of this process's pool that some thread holds, once the pool settles.

    A connection being added to the pool counts in its size before it is available, so
    the count is read again for a moment until it stops moving.
    """
    pool = connection.pool  # type: ignore[attr-defined]  # Django 5.1+, not in the stubs
    last = -1
    for _ in range(50):
        stats = pool.get_stats()
        count = int(stats["pool_size"]) - int(stats["pool_available"])
        if count == last:
            return count
        last = count
        time.sleep(0.02)
    return last


async def test_every_database_thread_hands_its_connection_back(chat_inbox: Inbox) -> None:
    baseline = checked_out()
    seen: set[int] = set()
    # Every call waits until all threads are busy, so each thread opens a connection.
    all_busy = threading.Barrier(THREADS)

    @in_db_thread
    def query() -> int:
        seen.add(threading.get_ident())
        all_busy.wait(timeout=10)
        return Inbox.objects.filter(pk=chat_inbox.pk).count()

    results = await asyncio.gather(*(query() for _ in range(THREADS * 10)))

    assert results == [1] * THREADS * 10
    assert len(seen) == THREADS
    assert checked_out() == baseline


async def test_chats_on_many_sockets_leave_no_connection_checked_out(chat_inbox: Inbox) -> None:
    # Channels' test communicator turns close_old_connections into a no-op: the leak of
    # the earlier attempt showed here, one connection per thread.
    baseline = checked_out()

    async def chat(n: int) -> None:
        communicator = await open_chat(chat_inbox, client=f"198.51.100.{n + 1}")
        await hello(communicator)
        for m in range(3):
            await communicator.send_json_to(
                {"type": "message", "client_id": f"c{n}-{m}", "text": f"hello {m}"}
            )
            await frames_until(communicator, "ack")
        await communicator.disconnect()

    await asyncio.gather(*(chat(n) for n in range(THREADS * 2)))

    assert checked_out() == baseline
