"""Real-time events: published to channel-layer groups, only after the transaction commits.

Publishing inside a transaction would let a client hear about a message that a rollback
then erases, or fetch it before it is visible; on_commit rules out both.

Handing events to the layer is not part of the write: a thread the ASGI server runs sync
code in (a view, `database_sync_to_async`) puts them in its event loop's outbox and
returns at once, and one drain task per loop sends them in order. Any other thread (the
job worker, a management command, a sync test) hands them to one long-lived loop thread
and waits for the send, so the caller still sees them delivered when it returns. Neither
starts an event loop per call, which is what `async_to_sync` from a plain thread does (a
new loop, a new thread and, with Redis, a new connection each time: the bulk of a write's
cost when every write publishes three to six events).
"""

import asyncio
import logging
import os
import threading
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import SyncToAsync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

AGENTS_GROUP = "agents"
# Safety alerts (blocked replies, exposed secrets) for supervisors' consoles.
SUPERVISORS_GROUP = "supervisors"

# How long a thread without a server loop waits for its events to be sent: a stuck
# channel layer must not hold a worker's job (or a command) forever.
SEND_TIMEOUT_SECONDS = 10.0


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def agent_group(agent_id: int) -> str:
    """One agent's consoles: events for them alone (a call ringing for them), not for all."""
    return f"agent.{agent_id}"


def contact_group(contact_id: int) -> str:
    return f"contact.{contact_id}"


# One event and the groups it goes to.
Publication = tuple[list[str], dict[str, Any]]


async def _send(layer: BaseChannelLayer, publications: list[Publication]) -> None:
    for groups, event in publications:
        for group in groups:
            try:
                await layer.group_send(group, {"type": "kefu.event", "event": event})
            except Exception:
                # The write has committed; a fan-out failure must not turn it into an
                # error for the caller. Clients catch up when they reload or reconnect.
                logger.exception("could not publish %s to %s", event.get("kind"), group)


@dataclass
class _Outbox:
    """A server loop's events waiting to be sent, in the order their writes committed."""

    batches: deque[tuple[BaseChannelLayer, list[Publication]]] = field(default_factory=deque)
    # The running drain task (the loop keeps only a weak reference to a task).
    drain: asyncio.Task[None] | None = None


_outboxes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outbox]" = (
    weakref.WeakKeyDictionary()
)


async def _drain(outbox: _Outbox) -> None:
    # One task per loop sends everything queued, so events leave in commit order even
    # when a send waits on Redis; a new task starts only once this one found it empty.
    try:
        while outbox.batches:
            layer, publications = outbox.batches.popleft()
            await _send(layer, publications)
    finally:
        outbox.drain = None


def _enqueue(layer: BaseChannelLayer, publications: list[Publication]) -> None:
    """Runs in the loop's own thread."""
    loop = asyncio.get_running_loop()
    outbox = _outboxes.setdefault(loop, _Outbox())
    outbox.batches.append((layer, publications))
    if outbox.drain is None:
        outbox.drain = loop.create_task(_drain(outbox))


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The running loop that called into this thread through `sync_to_async`, if any.

    asgiref records it on the thread for `async_to_sync`; reading the same record lets a
    sync view hand its events back to the server's loop without waiting for them.
    """
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(local, "main_event_loop", None)
    if loop is None or not loop.is_running() or loop.is_closed():
        return None
    return loop


class _LoopThread:
    """One event loop in a daemon thread, started on first use in each process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked child inherits the object but not the thread.
            if self._loop is None or self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                thread = threading.Thread(
                    target=self._loop.run_forever, name="kefu-events", daemon=True
                )
                thread.start()
            return self._loop


_loop_thread = _LoopThread()


def publish_all(publications: list[Publication]) -> None:
    layer = get_channel_layer()
    if layer is None or not publications:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # a plain thread: the usual case
    else:
        # Called from async code itself: queue in this loop, nothing to wait for.
        _enqueue(layer, publications)
        return
    loop = _server_loop()
    if loop is not None:
        loop.call_soon_threadsafe(_enqueue, layer, publications)
        return
    future = asyncio.run_coroutine_threadsafe(_send(layer, publications), _loop_thread.loop())
    try:
        future.result(timeout=SEND_TIMEOUT_SECONDS)
    except TimeoutError:
        future.cancel()
        logger.error("publishing %d events timed out", len(publications))


def publish(groups: list[str], event: dict[str, Any]) -> None:
    publish_all([(groups, event)])


def publish_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: publish(groups, event))


def publish_all_on_commit(publications: list[Publication]) -> None:
    """Several events in one hop after commit (a batch's worth: a sweep's alerts)."""
    if publications:
        transaction.on_commit(lambda: publish_all(publications))
