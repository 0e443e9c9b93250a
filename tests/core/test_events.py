import asyncio
import threading

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from kefu.core.events import publish_on_commit


@pytest.mark.django_db(transaction=True)
async def test_events_are_published_only_after_commit() -> None:
    from asgiref.sync import sync_to_async

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("test-group", channel)

    def rolled_back() -> None:
        try:
            with transaction.atomic():
                publish_on_commit(["test-group"], {"kind": "rolled_back"})
                raise RuntimeError
        except RuntimeError:
            pass

    def committed() -> None:
        with transaction.atomic():
            publish_on_commit(["test-group"], {"kind": "committed"})

    await sync_to_async(rolled_back)()
    await sync_to_async(committed)()
    message = await layer.receive(channel)
    assert message["event"] == {"kind": "committed"}


@pytest.mark.django_db(transaction=True)
async def test_a_server_thread_returns_before_sending_and_events_keep_their_order() -> None:
    from asgiref.sync import sync_to_async

    from kefu.core import events

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("ordered", channel)

    def many() -> None:
        for number in range(50):
            with transaction.atomic():
                publish_on_commit(["ordered"], {"kind": "n", "number": number})

    # A thread entered from this loop (as the ASGI server runs a sync view) leaves its
    # events in the loop's outbox: nothing has been sent when it returns.
    await sync_to_async(many)()
    loop = asyncio.get_running_loop()
    assert events._outboxes[loop].batches or events._outboxes[loop].drain is not None
    received = [(await layer.receive(channel))["event"]["number"] for _ in range(50)]
    assert received == list(range(50))


@pytest.mark.django_db(transaction=True)
def test_a_plain_thread_has_its_events_sent_when_it_returns_by_one_long_lived_loop() -> None:
    from asgiref.sync import async_to_sync

    from kefu.core import events

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("plain", channel)
    threads_before = threading.active_count()
    for number in range(20):
        with transaction.atomic():
            publish_on_commit(["plain"], {"kind": "n", "number": number})
    # No thread (or loop) per publish: one loop thread serves the process.
    assert threading.active_count() <= threads_before + 1
    loop = events._loop_thread.loop()
    assert loop.is_running()
    received = [async_to_sync(layer.receive)(channel)["event"]["number"] for _ in range(20)]
    assert received == list(range(20))


def test_a_failing_layer_does_not_fail_the_write(caplog: pytest.LogCaptureFixture) -> None:
    from kefu.core import events

    class Broken:
        async def group_send(self, group: str, message: dict[str, object]) -> None:
            raise ConnectionError("layer down")

    asyncio.run(events._send(Broken(), [(["a", "b"], {"kind": "x"})]))
    assert caplog.text.count("could not publish x") == 2
