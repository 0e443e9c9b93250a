"""The WebSocket base both the console and the portal use: groups in, events out."""

import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

logger = logging.getLogger(__name__)


class EventConsumer(AsyncJsonWebsocketConsumer):
    """Forwards `kefu.event` group messages to the socket as JSON.

    Subclasses decide who may connect and which groups they join; a malformed frame
    gets an error frame back and leaves the connection (and everyone else's) open.
    """

    groups_joined: list[str]

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)

    async def leave(self, group: str) -> None:
        if group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
            self.groups_joined.remove(group)

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.groups_joined = []
        await super().websocket_connect(message)

    async def disconnect(self, code: int) -> None:
        for group in list(self.groups_joined):
            await self.leave(group)

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"kind": "error", "code": "bad_frame"})
            return
        await self.handle_frame(content)

    async def handle_frame(self, content: dict[str, Any]) -> None:
        await self.send_json({"kind": "error", "code": "unknown_frame"})

    async def kefu_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])
