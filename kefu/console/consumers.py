"""Live updates for the agent console."""

import asyncio
import logging
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from kefu.agents.actions import mark_present
from kefu.agents.models import Agent, Role
from kefu.console import presence
from kefu.conversations.models import Conversation
from kefu.core.consumers import EventConsumer
from kefu.core.events import AGENTS_GROUP, SUPERVISORS_GROUP, agent_group, conversation_group
from kefu.core.ids import parse_id
from kefu.inboxes.webchat.actions import mark_read

logger = logging.getLogger(__name__)


@database_sync_to_async  # type: ignore[untyped-decorator]  # channels is untyped
def _verified(session: Any) -> bool:
    """The session passed the second factor (the HTTP side's OTPMiddleware is not here)."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.confirmed


@database_sync_to_async  # type: ignore[untyped-decorator]
def _agent_read(conversation_id: int) -> None:
    """The agent has the conversation open and visible: everything so far is read."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is not None:
        mark_read(conversation=conversation, by_agent=True, seq=conversation.last_seq)


@database_sync_to_async  # type: ignore[untyped-decorator]
def _present(agent: Agent) -> None:
    mark_present(agent=agent)


def _conversation_id(value: Any) -> int | None:
    # A JSON integer only, within the id range: a group name longer than the channel
    # layer allows would close the socket.
    return parse_id(value) if isinstance(value, int) else None


def _name(agent: Agent) -> str:
    return str(agent.display_name or agent.username)


class ConsoleConsumer(EventConsumer):
    heartbeat: asyncio.Task[None] | None = None
    # Conversations this socket shows, with the viewers it last told the others about.
    viewing: dict[int, list[presence.Viewer]]

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        self.viewing = {}
        await super().websocket_connect(message)

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
        # Events for this agent alone: a call ringing for them pops up on their console only.
        await self.join(agent_group(user.pk))
        if user.has_role(Role.SUPERVISOR):
            await self.join(SUPERVISORS_GROUP)
        # An open console is what makes an agent "really online" (agents.selectors).
        await _present(user)
        self.heartbeat = asyncio.get_running_loop().create_task(self.beat(user))

    async def beat(self, agent: Agent) -> None:
        """Renew the agent's presence while this socket is open: three beats per lapse,
        so one late beat under load does not take a connected agent offline."""
        while True:
            await asyncio.sleep(settings.KEFU_AGENT_PRESENCE_SECONDS / 3)
            try:
                await _present(agent)
                for conversation_id in list(self.viewing):
                    await self.view(conversation_id, renew=True)
            except Exception as error:  # the database restarting: the next beat retries
                logger.warning("console presence heartbeat failed: %s", error)

    async def disconnect(self, code: int) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        for conversation_id in list(getattr(self, "viewing", {})):
            try:
                await self.unview(conversation_id)
            except Exception as error:  # Redis away: the entry lapses on its own
                logger.warning("console presence leave failed: %s", error)
        await super().disconnect(code)

    async def view(self, conversation_id: int, *, renew: bool = False) -> None:
        """This socket shows the conversation: tell its other viewers when that changes.

        A renewal is quiet unless someone else's entry lapsed meanwhile (a crashed
        browser or process), which the others then hear about.
        """
        user = self.scope["user"]
        viewers = await sync_to_async(presence.join)(
            conversation_id, self.channel_name, agent_id=user.pk, name=_name(user)
        )
        if renew and viewers == self.viewing.get(conversation_id):
            return
        self.viewing[conversation_id] = viewers
        await self.tell_viewers(conversation_id, viewers)

    async def unview(self, conversation_id: int) -> None:
        self.viewing.pop(conversation_id, None)
        viewers = await sync_to_async(presence.leave)(conversation_id, self.channel_name)
        await self.tell_viewers(conversation_id, viewers)

    async def tell_viewers(self, conversation_id: int, viewers: list[presence.Viewer]) -> None:
        # Ids and names only; the customer's chat socket on the same group drops this kind.
        await self.tell_page(
            conversation_id,
            {
                "kind": "conversation.viewers",
                "conversation_id": conversation_id,
                "viewers": [viewer.as_event() for viewer in viewers],
            },
        )

    async def tell_page(self, conversation_id: int, event: dict[str, Any]) -> None:
        """An ephemeral event to everyone following the conversation (never stored)."""
        await self.channel_layer.group_send(
            conversation_group(conversation_id), {"type": "kefu.event", "event": event}
        )

    async def joined_conversation(self, value: Any) -> int | None:
        """The conversation a frame names, if this socket follows it; else a bad_frame
        answer (a socket only speaks on the pages it has open)."""
        conversation_id = _conversation_id(value)
        if conversation_id is None or conversation_group(conversation_id) not in self.groups_joined:
            await self.send_json({"kind": "error", "code": "bad_frame"})
            return None
        return conversation_id

    async def handle_frame(self, content: dict[str, Any]) -> None:
        if "typing" in content or "read" in content:
            await self.chat_activity(content)
            return
        if "composing" in content:
            await self.composing(content)
            return
        # An open conversation page follows its own timeline; ids are checked to be ints
        # so a crafted frame cannot name an arbitrary group.
        for verb in ("subscribe", "unsubscribe"):
            if content.get(verb) is None:
                continue
            conversation_id = _conversation_id(content[verb])
            if conversation_id is None:
                await self.send_json({"kind": "error", "code": "bad_frame"})
                return
            if verb == "subscribe":
                await self.join(conversation_group(conversation_id))
            else:
                await self.leave(conversation_group(conversation_id))
            await self.send_json({"kind": verb + "d", "conversation_id": conversation_id})
            # After the answer, so the page hears "subscribed" before the viewers list.
            if verb == "subscribe":
                await self.view(conversation_id)
            elif conversation_id in self.viewing:
                await self.unview(conversation_id)
            return
        await super().handle_frame(content)

    async def composing(self, content: dict[str, Any]) -> None:
        """An agent is writing a reply or a note: their colleagues on the page see it.

        Ephemeral, on any channel; a kind of its own, so that a note being written is never
        shown to a chat customer as "typing".
        """
        conversation_id = await self.joined_conversation(content.get("composing"))
        if conversation_id is None:
            return
        user = self.scope["user"]
        await self.tell_page(
            conversation_id,
            {
                "kind": "agent.composing",
                "conversation_id": conversation_id,
                "agent_id": user.pk,
                "name": _name(user),
                "note": content.get("note") is True,
                "active": content.get("active") is True,
            },
        )

    async def chat_activity(self, content: dict[str, Any]) -> None:
        """Typing and read receipts for a live chat the agent has open (ephemeral / marks)."""
        conversation_id = await self.joined_conversation(content.get("typing", content.get("read")))
        if conversation_id is None:
            return
        if "read" in content:
            await _agent_read(conversation_id)
            return
        await self.tell_page(
            conversation_id,
            {
                "kind": "chat.typing",
                "conversation_id": conversation_id,
                "who": "agent",
                "active": bool(content.get("active")),
                "name": _name(self.scope["user"]),
            },
        )
