"""Who has a conversation open in the console right now (collision detection).

Kept in the cache, which is Redis shared by every app process in production, so an agent
whose socket is held by another process is seen too; never in one process's memory. One
entry per open socket (an agent with two tabs on a conversation stays present while
either is open), each with its own expiry: the consumer renews its entries on every
heartbeat, so the entries of a process that died without saying goodbye lapse on their
own after `ttl()` seconds.

The entries of one conversation are one cache value, written read-modify-write: two
sockets changing it at the same instant can drop one entry, which its next heartbeat
puts back. Presence is a hint for agents, not a lock; the lock is conversations.holds.
"""

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache

# Longer than the page is ever kept anyway: the entries are pruned by their own expiry.
_KEY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Viewer:
    agent_id: int
    name: str

    def as_event(self) -> dict[str, Any]:
        return {"id": self.agent_id, "name": self.name}


def ttl() -> float:
    """Seconds an entry lives without a heartbeat: the console's own presence lapse."""
    return float(settings.KEFU_AGENT_PRESENCE_SECONDS)


def _key(conversation_id: int) -> str:
    return f"console.presence.{conversation_id}"


def _entries(store: BaseCache, conversation_id: int, now: float) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = store.get(_key(conversation_id)) or {}
    return {socket: entry for socket, entry in entries.items() if entry["until"] > now}


def _save(store: BaseCache, conversation_id: int, entries: dict[str, dict[str, Any]]) -> None:
    if entries:
        store.set(_key(conversation_id), entries, _KEY_SECONDS)
    else:
        store.delete(_key(conversation_id))


def _viewers(entries: dict[str, dict[str, Any]]) -> list[Viewer]:
    seen: dict[int, Viewer] = {}
    for entry in entries.values():
        seen.setdefault(entry["agent_id"], Viewer(entry["agent_id"], entry["name"]))
    return sorted(seen.values(), key=lambda viewer: (viewer.name, viewer.agent_id))


def join(
    conversation_id: int,
    socket: str,
    *,
    agent_id: int,
    name: str,
    store: BaseCache | None = None,
    now: float | None = None,
) -> list[Viewer]:
    """`socket` shows the conversation (or still does: the heartbeat); who views it now."""
    store = store or cache
    now = time.time() if now is None else now
    entries = _entries(store, conversation_id, now)
    entries[socket] = {"agent_id": agent_id, "name": name, "until": now + ttl()}
    _save(store, conversation_id, entries)
    return _viewers(entries)


def leave(
    conversation_id: int, socket: str, *, store: BaseCache | None = None, now: float | None = None
) -> list[Viewer]:
    """`socket` no longer shows the conversation; who still views it."""
    store = store or cache
    now = time.time() if now is None else now
    entries = _entries(store, conversation_id, now)
    entries.pop(socket, None)
    _save(store, conversation_id, entries)
    return _viewers(entries)


def viewers(
    conversation_id: int, *, store: BaseCache | None = None, now: float | None = None
) -> list[Viewer]:
    store = store or cache
    return _viewers(_entries(store, conversation_id, time.time() if now is None else now))
