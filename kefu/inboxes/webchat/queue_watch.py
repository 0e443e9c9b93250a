"""One subscription to the queue group per process, shared by its waiting chats.

Every waiting customer re-reads their place when the queue changes. If each socket
joined the `queue` group itself, one change would be one channel-layer message per
waiting socket in the whole deployment (a thousand Redis deliveries for a thousand
waiting chats, on every new chat): the process would spend its time fanning out. Here
each process listens once and tells its own waiting sockets, in memory.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

from kefu.routing.events import QUEUE_GROUP

logger = logging.getLogger(__name__)

Listener = Callable[[], Awaitable[None]]

_listeners: set[Listener] = set()
_task: asyncio.Task[None] | None = None


# Group membership expires (channels-redis: after a day); re-joining hourly keeps it.
_REJOIN_SECONDS = 3600
_RETRY_SECONDS = 5.0


async def _listen(delay: float) -> None:
    """Listen for the life of the process (one channel: cheap), telling whoever waits."""
    await asyncio.sleep(delay)  # after a failure, so a layer outage is not a busy loop
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(QUEUE_GROUP, channel)
    joined = asyncio.get_running_loop().time()
    while True:
        message = await layer.receive(channel)
        if asyncio.get_running_loop().time() - joined > _REJOIN_SECONDS:
            await layer.group_add(QUEUE_GROUP, channel)
            joined = asyncio.get_running_loop().time()
        if message.get("event", {}).get("kind") != "queue.changed":
            continue
        for listener in list(_listeners):
            # One socket's failure (it closed meanwhile) must not stop the others' updates.
            with contextlib.suppress(Exception):
                await listener()


def _finished(task: asyncio.Task[None]) -> None:
    global _task
    if task is not _task:
        return
    _task = None
    if not task.cancelled() and task.exception() is not None:
        logger.warning("queue watcher stopped, restarting: %s", task.exception())
        if _listeners:
            _start(delay=_RETRY_SECONDS)


def _start(delay: float = 0.0) -> None:
    global _task
    _task = asyncio.get_running_loop().create_task(_listen(delay))
    _task.add_done_callback(_finished)


def watch(listener: Listener) -> None:
    """Call `listener` (it must not block) on every queue change until `unwatch`."""
    _listeners.add(listener)
    # A task of another (finished) event loop, as between tests, does not count.
    if _task is None or _task.done() or _task.get_loop() is not asyncio.get_running_loop():
        _start()


def unwatch(listener: Listener) -> None:
    _listeners.discard(listener)
