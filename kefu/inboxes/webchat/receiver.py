"""The chat WebSocket at /ws/chat/?inbox=<id>: frames in, events out.

Thin by design: it validates a frame (size, JSON, schema), calls one action, and pushes
what the groups it joined publish. Every refusal is an error frame with a stable code on
this socket only; nothing a visitor sends closes any other session.

Protocol (client -> server, all JSON objects with a "type"):
  hello {session?, identity?, conversation?, after?}   first; answered by "welcome"
  message {client_id, text, uploads?, topic?, email?, flow?}  answered by "ack" (delivered);
                        flow (first message only): a guided-flow run token at its hand-off
  resume {after}        every message with seq > after, in order, then "resumed"
  typing {active}       read {seq}       ping
  transcript {email}    answered by "transcript_queued" if the chat has verified the
                        address, else a code is mailed to it: "transcript_code_sent"
  transcript_code {email, code}   the mailed code; answered by "transcript_queued"

Server -> client, besides the answers above: conversation (its state), queue, message,
typing, read, and survey {token, conversation_id} when a resolved chat's satisfaction
survey is sent; the widget reads and answers it over HTTP (kefu.feedback owns surveys,
a floor above this adapter).
"""

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, DataError

from kefu.contacts.models import Contact
from kefu.conversations.actions import receive_message
from kefu.conversations.models import Conversation, Message, Status
from kefu.core.consumers import EventConsumer
from kefu.core.errors import KefuError
from kefu.core.events import contact_group, conversation_group
from kefu.core.ids import parse_count, parse_id
from kefu.helpcenter.flows import actions as flow_actions
from kefu.helpcenter.flows import selectors as flow_selectors
from kefu.inboxes.models import Channel, Inbox
from kefu.inboxes.webchat import actions, queue_watch, selectors
from kefu.inboxes.webchat.db_threads import in_db_thread
from kefu.inboxes.webchat.identity import Visitor, identify
from kefu.inboxes.webchat.inbound import (
    ChatMessage,
    FrameError,
    checked_email,
    parse_message,
    refuse_null_characters,
    to_inbound,
)
from kefu.inboxes.webchat.origins import origin_allowed
from kefu.routing.service_hours import service_status
from kefu.routing.wait_estimate import queue_status

logger = logging.getLogger(__name__)

# Per socket, KEFU_CHAT_MAX_MESSAGES_PER_WINDOW in this many seconds: a person types far
# slower; a loop sending faster is cut off here.
WINDOW_SECONDS = 10.0
# A burst of queue changes (a busy minute's new chats) becomes one re-read per customer
# every few seconds, spread so that a process's waiting sockets do not all read at once.
QUEUE_REFRESH_SECONDS = 3.0
# Both announcements of a message arrive close together; a few dozen covers a burst.
KNOWN_MESSAGES = 64

Handler = Callable[[dict[str, Any]], Awaitable[None]]


@in_db_thread
def _webchat_inbox(inbox_id: int) -> Inbox | None:
    return Inbox.objects.filter(pk=inbox_id, channel=Channel.WEBCHAT, is_active=True).first()


@in_db_thread
def _greet(inbox: Inbox, frame: dict[str, Any]) -> tuple[Visitor, str, Conversation | None, bool]:
    visitor, token = identify(inbox, frame.get("session"), frame.get("identity"))
    is_open = service_status(inbox.default_team).is_open
    return visitor, token, selectors.current_chat(visitor), is_open


def store_message(
    inbox: Inbox,
    visitor: Visitor,
    message: ChatMessage,
    conversation_id: int | None,
    contact: Contact | None,
) -> tuple[Message, Conversation, Contact]:
    """Store the message; also return its conversation and contact, read here, not in
    the event loop (a repeated message comes back from the database without them)."""
    conversation = (
        Conversation.objects.filter(pk=conversation_id).first() if conversation_id else None
    )
    files = selectors.uploaded_files(inbox.pk, visitor.visitor_id, message.upload_ids)
    inbound = to_inbound(
        message,
        inbox=inbox,
        visitor=visitor,
        conversation=conversation,
        files=files,
        contact=contact,
    )
    if message.flow and conversation is None:
        # The chat opens with what the widget's guided flow collected; the run ends as
        # handed off to this chat.
        run = flow_selectors.anonymous_run_by_token(message.flow)
        stored = flow_actions.hand_off_in_chat(run=run, inbound=inbound)
    else:
        stored = receive_message(inbound)
    if stored.conversation_id != conversation_id:
        actions.open_chat(message=stored, visitor=visitor, email=message.email)
    actions.discard_uploads(
        inbox_id=inbox.pk, visitor_id=visitor.visitor_id, ids=message.upload_ids
    )
    conversation = stored.conversation
    if contact is None or contact.pk != conversation.contact_id:
        # The first message, or a merge moved the chat: read the contact it has now.
        contact = conversation.contact
    return stored, conversation, contact


_store = in_db_thread(store_message)


@in_db_thread
def _conversation_state(conversation_id: int) -> tuple[dict[str, Any], bool, int] | None:
    """The conversation as the widget shows it, whether the customer is waiting, and
    whose it is (the contact's group carries what is for the customer, a survey)."""
    conversation = (
        Conversation.objects.select_related("assignee", "chat").filter(pk=conversation_id).first()
    )
    if conversation is None:
        return None
    chat = getattr(conversation, "chat", None)
    state = {
        "type": "conversation",
        "id": conversation.pk,
        "reference": conversation.reference,
        "status": conversation.status,
        "agent": selectors.agent_summary(conversation),
        # The read mark is state, not history: a reconnecting widget gets it here.
        "agent_read_seq": chat.agent_read_seq if chat is not None else 0,
    }
    # Once an agent has answered, the customer is being served, assigned or not.
    waiting = (
        conversation.assignee_id is None
        and conversation.first_response_at is None
        and conversation.status == Status.OPEN
    )
    return state, waiting, conversation.contact_id


@in_db_thread
def _queue_frame(conversation_id: int) -> dict[str, Any] | None:
    conversation = Conversation.objects.select_related("inbox").filter(pk=conversation_id).first()
    if conversation is None:
        return None
    status = queue_status(conversation)
    return {
        "type": "queue",
        "position": status.position,
        "estimated_wait_seconds": status.estimated_wait_seconds,
        "agents_online": status.agents_online,
        # Why there is no estimate (or what it depends on), for the widget to say.
        "reason": status.reason,
        "opens_at": status.opens_at.isoformat() if status.opens_at else None,
    }


@in_db_thread
def _mark_read(conversation_id: int, seq: int) -> None:
    conversation = Conversation.objects.get(pk=conversation_id)
    actions.mark_read(conversation=conversation, by_agent=False, seq=seq)


@in_db_thread
def _request_transcript(
    conversation_id: int, visitor: Visitor, email: str, address: str
) -> actions.TranscriptStep:
    conversation = Conversation.objects.select_related("contact").get(pk=conversation_id)
    return actions.request_transcript(
        conversation=conversation, visitor=visitor, email=email, address=address
    )


@in_db_thread
def _confirm_transcript_email(
    conversation_id: int, visitor: Visitor, email: str, code: str, address: str
) -> None:
    conversation = Conversation.objects.select_related("contact").get(pk=conversation_id)
    actions.confirm_transcript_email(
        conversation=conversation, visitor=visitor, email=email, code=code, address=address
    )


_frames_after = in_db_thread(selectors.frames_after)
_message_frame = in_db_thread(selectors.message_frame_by_id)


# receive_message reports these two after every customer message; the status can only
# have gone back to open, which the socket that stored the message checks itself.
_CUSTOMER_MESSAGE_FIELDS = frozenset({"status", "last_message_at"})


def _may_change_state(fields: list[str]) -> bool:
    changed = set(fields)
    # A first answer ends the wait, like an assignment: the queue display stops.
    watched = {"assignee", "status", "first_response_at"}
    return bool(watched & changed) and changed != _CUSTOMER_MESSAGE_FIELDS


class ChatConsumer(EventConsumer):
    inbox: Inbox | None = None
    visitor: Visitor | None = None
    conversation_id: int | None = None
    waiting: bool = False
    last_state: dict[str, Any] | None = None
    # Known after the first message, so later ones skip the identity lookup.
    contact: Contact | None = None
    # The contact whose group this socket listens to, once its conversation is known.
    listening_contact: int | None = None

    async def connect(self) -> None:
        self.sent_times: deque[float] = deque()
        self.queue_refresh: asyncio.Task[None] | None = None
        # Messages the widget has already: those this socket stored (their "ack" told
        # it) and those it was sent. Each message is announced to the conversation's
        # group and to the contact's, and this socket listens to both: the second
        # announcement must not cost another read and a duplicate frame.
        self.known_messages: deque[int] = deque(maxlen=KNOWN_MESSAGES)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        inbox_id = parse_id(query.get("inbox", [""])[0])
        inbox = await _webchat_inbox(inbox_id) if inbox_id else None
        headers = dict(self.scope.get("headers", []))
        origin = headers.get(b"origin")
        host = headers.get(b"host", b"").decode("latin-1")
        if inbox is None:
            await self.close(code=4404)
            return
        if not origin_allowed(inbox, origin.decode("latin-1") if origin else None, host):
            await self.close(code=4403)
            return
        self.inbox = inbox
        await self.accept()

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None:
            await self.error("bad_frame")
        elif len(text_data) > settings.KEFU_CHAT_MAX_FRAME_CHARS:
            await self.error("frame_too_large")
        else:
            await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.error("bad_frame")
            return
        await self.handle_frame(content)

    async def error(self, code: str, **fields: Any) -> None:
        await self.send_json({"type": "error", "code": code, **fields})

    async def handle_frame(self, content: dict[str, Any]) -> None:
        handlers: dict[str, Handler] = {
            "hello": self.on_hello,
            "message": self.on_message,
            "resume": self.on_resume,
            "typing": self.on_typing,
            "read": self.on_read,
            "transcript": self.on_transcript,
            "transcript_code": self.on_transcript_code,
            "ping": self.on_ping,
        }
        kind = content.get("type")
        handler = handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.error("unknown_frame")
            return
        if (kind == "hello") == (self.visitor is not None):
            await self.error("hello_first" if self.visitor is None else "bad_frame")
            return
        try:
            refuse_null_characters(content)
            try:
                await handler(content)
            except DataError as error:
                # Data the database refuses is refused again on every resend: the edge
                # should have caught it, so it is logged as a bug, and not retried.
                logger.error("chat frame %s refused by the database: %s", kind, error)
                raise FrameError("not_storable") from error
            except DatabaseError as error:
                # Overloaded or restarting database: the widget keeps the message and
                # sends it again; its client id makes that safe.
                logger.warning("chat frame %s failed: %s", kind, error)
                raise FrameError("unavailable") from error
        except FrameError as refused:
            client_id = content.get("client_id")
            extra = {"client_id": client_id} if isinstance(client_id, str) else {}
            await self.error(refused.code, **extra)

    async def on_hello(self, frame: dict[str, Any]) -> None:
        assert self.inbox is not None
        visitor, token, conversation, is_open = await _greet(self.inbox, frame)
        self.visitor = visitor
        await self.send_json(
            {
                "type": "welcome",
                "session": token,
                "identified": bool(visitor.platform_user_id),
                "service_open": is_open,
            }
        )
        if conversation is not None:
            after = parse_count(frame.get("after")) or 0
            same = parse_id(frame.get("conversation")) == conversation.pk
            await self.follow(conversation.pk, after if same else 0)

    async def follow(self, conversation_id: int, after: int) -> None:
        """Listen to a conversation, then send what the client has not seen.

        Joining before reading means a message committed in between arrives twice at
        worst (the widget drops a seq it has), never not at all.
        """
        if self.conversation_id is not None:
            await self.leave(conversation_group(self.conversation_id))
        self.conversation_id = conversation_id
        self.last_state = None
        await self.join(conversation_group(conversation_id))
        await self.send_state()
        await self.send_missed(after)

    async def send_missed(self, after: int) -> None:
        assert self.conversation_id is not None
        frames = await _frames_after(self.conversation_id, after)
        for frame in frames:
            self.known_messages.append(frame["id"])
            await self.send_json(frame)
        last = frames[-1]["seq"] if frames else after
        await self.send_json(
            {"type": "resumed", "conversation_id": self.conversation_id, "last_seq": last}
        )

    async def send_state(self) -> None:
        if self.conversation_id is None:
            return
        found = await _conversation_state(self.conversation_id)
        if found is None:
            return
        state, waiting, contact_id = found
        if contact_id != self.listening_contact:
            # A merge can move the chat to another contact: listen to the one it has now.
            if self.listening_contact is not None:
                await self.leave(contact_group(self.listening_contact))
            self.listening_contact = contact_id
            await self.join(contact_group(contact_id))
        if state != self.last_state:
            self.last_state = state
            await self.send_json(state)
        if waiting != self.waiting:
            self.waiting = waiting
            # Only waiting customers need every queue change.
            if waiting:
                queue_watch.watch(self.queue_changed)
            else:
                queue_watch.unwatch(self.queue_changed)
        if waiting:
            await self.send_queue()

    async def send_queue(self) -> None:
        if self.conversation_id is not None:
            frame = await _queue_frame(self.conversation_id)
            if frame is not None:
                await self.send_json(frame)

    async def queue_changed(self) -> None:
        if self.waiting and self.queue_refresh is None:
            self.queue_refresh = asyncio.create_task(self.refresh_queue_soon())

    async def refresh_queue_soon(self) -> None:
        await asyncio.sleep(QUEUE_REFRESH_SECONDS * (0.5 + random.random()))
        self.queue_refresh = None
        if self.waiting:
            # The socket may have closed while this waited (ClientDisconnected is an OSError).
            with contextlib.suppress(OSError):
                await self.send_queue()

    async def disconnect(self, code: int) -> None:
        queue_watch.unwatch(self.queue_changed)
        if self.queue_refresh is not None:
            self.queue_refresh.cancel()
        await super().disconnect(code)

    def _allow_message(self) -> bool:
        now = time.monotonic()
        while self.sent_times and now - self.sent_times[0] > WINDOW_SECONDS:
            self.sent_times.popleft()
        if len(self.sent_times) >= settings.KEFU_CHAT_MAX_MESSAGES_PER_WINDOW:
            return False
        self.sent_times.append(now)
        return True

    async def on_message(self, frame: dict[str, Any]) -> None:
        assert self.inbox is not None
        assert self.visitor is not None
        message = parse_message(frame)
        if not self._allow_message():
            raise FrameError("rate_limited")
        try:
            stored, conversation, self.contact = await _store(
                self.inbox, self.visitor, message, self.conversation_id, self.contact
            )
        except KefuError as refused:
            raise FrameError(refused.code, refused.message) from refused
        except PermissionDenied as refused:
            raise FrameError("forbidden") from refused
        if not message.upload_ids:  # with files, the frame carries their links: fetch it
            self.known_messages.append(stored.pk)
        await self.send_json(
            {
                "type": "ack",
                "client_id": message.client_id,
                "conversation_id": stored.conversation_id,
                "id": stored.pk,
                "seq": stored.seq,
            }
        )
        if stored.conversation_id != self.conversation_id:
            await self.follow(stored.conversation_id, 0)
        elif self.last_state is not None and conversation.status != self.last_state["status"]:
            await self.send_state()  # this message reopened a resolved chat

    async def on_resume(self, frame: dict[str, Any]) -> None:
        after = parse_count(frame.get("after"))
        if after is None:
            raise FrameError("bad_frame", "after")
        if self.conversation_id is None:
            await self.send_json({"type": "resumed", "conversation_id": None, "last_seq": 0})
            return
        await self.send_missed(after)

    async def on_typing(self, frame: dict[str, Any]) -> None:
        if self.conversation_id is None:
            return
        # Ephemeral: straight to the channel layer, no database and no sequence number.
        await self.channel_layer.group_send(
            conversation_group(self.conversation_id),
            {
                "type": "kefu.event",
                "event": {
                    "kind": "chat.typing",
                    "conversation_id": self.conversation_id,
                    "who": "customer",
                    "active": bool(frame.get("active")),
                },
            },
        )

    async def on_read(self, frame: dict[str, Any]) -> None:
        seq = parse_count(frame.get("seq"))
        if seq is None or seq < 1:
            raise FrameError("bad_frame", "seq")
        if self.conversation_id is not None:
            await _mark_read(self.conversation_id, seq)

    def _transcript_address(self, frame: dict[str, Any]) -> tuple[int, str]:
        """The chat's conversation and the address a transcript is asked for."""
        if self.conversation_id is None:
            raise FrameError("no_conversation")
        email = checked_email(frame.get("email"))
        if not email:
            raise FrameError("bad_email")
        return self.conversation_id, email

    def _client_address(self) -> str:
        # The socket's peer; behind a proxy, uvicorn's --proxy-headers puts the client's
        # address here, as it does in REMOTE_ADDR for HTTP (throttle.client_address).
        client = self.scope.get("client")
        return str(client[0]) if client else ""

    async def on_transcript(self, frame: dict[str, Any]) -> None:
        assert self.visitor is not None
        conversation_id, email = self._transcript_address(frame)
        step = await _request_transcript(
            conversation_id, self.visitor, email, self._client_address()
        )
        if step == "queued":
            await self.send_json({"type": "transcript_queued"})
        else:
            await self.send_json({"type": "transcript_code_sent", "email": email})

    async def on_transcript_code(self, frame: dict[str, Any]) -> None:
        assert self.visitor is not None
        conversation_id, email = self._transcript_address(frame)
        code = frame.get("code")
        if not isinstance(code, str) or not 0 < len(code) <= 32:
            raise FrameError("bad_code")
        await _confirm_transcript_email(
            conversation_id, self.visitor, email, code, self._client_address()
        )
        await self.send_json({"type": "transcript_queued"})

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_json({"type": "pong"})

    async def kefu_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        kind = event.get("kind")
        if self.conversation_id is None or event.get("conversation_id") != self.conversation_id:
            return
        if kind == "message_added" and event.get("message_kind") != "note":
            if event["message_id"] in self.known_messages:
                return
            self.known_messages.append(event["message_id"])
            frame = await _message_frame(self.conversation_id, event["message_id"])
            if frame is not None:
                await self.send_json(frame)
        elif kind == "conversation_updated" and _may_change_state(event["fields"]):
            await self.send_state()
        elif kind == "survey" and isinstance(event.get("token"), str):
            # Only the handle: the widget reads the survey, and answers it, over HTTP.
            await self.send_json(
                {"type": "survey", "token": event["token"], "conversation_id": self.conversation_id}
            )
        elif kind in ("chat.typing", "chat.read") and event.get("who") == "agent":
            payload = {"type": kind.split(".")[1]}
            payload.update({k: event[k] for k in ("active", "seq", "name") if k in event})
            await self.send_json(payload)
