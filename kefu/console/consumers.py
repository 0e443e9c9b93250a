"""Live updates for the agent console."""

from typing import Any

from channels.db import database_sync_to_async
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from kefu.agents.models import Role
from kefu.core.consumers import EventConsumer
from kefu.core.events import AGENTS_GROUP, SUPERVISORS_GROUP, conversation_group


@database_sync_to_async  # type: ignore[untyped-decorator]  # channels is untyped
def _verified(session: Any) -> bool:
    """The session passed the second factor (the HTTP side's OTPMiddleware is not here)."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.confirmed


class ConsoleConsumer(EventConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        if not await _verified(self.scope.get("session")):
            await self.close(code=4401)
            return
        await self.accept()
        await self.join(AGENTS_GROUP)
        if user.has_role(Role.SUPERVISOR):
            await self.join(SUPERVISORS_GROUP)

    async def handle_frame(self, content: dict[str, Any]) -> None:
        # An open conversation page follows its own timeline; ids are checked to be ints
        # so a crafted frame cannot name an arbitrary group.
        for verb in ("subscribe", "unsubscribe"):
            value = content.get(verb)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                await self.send_json({"kind": "error", "code": "bad_frame"})
                return
            if verb == "subscribe":
                await self.join(conversation_group(value))
            else:
                await self.leave(conversation_group(value))
            await self.send_json({"kind": verb + "d", "conversation_id": value})
            return
        await super().handle_frame(content)
