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
