"""A local HTTP server in api.telegram.org's place, for the Bot API calls Kefu makes.

It checks what Telegram checks — the bot token in the path (/bot<token>/<method>, and
/file/bot<token>/<path> for downloads) — answers an unknown token and an unknown method
with Telegram's own error documents, and by default answers the calls Kefu makes the way
Telegram does (tests queue other answers: a 429, a 403 "blocked").
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.platform_server import PlatformServer, Received, Reply
from tests.platform_server import serve as serve_platform

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
BOT: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Kefu Support",
    "username": "KefuHelpBot",
}


def ok(result: object) -> Reply:
    return Reply(200, json.dumps({"ok": True, "result": result}).encode())


def error(code: int, description: str, **parameters: object) -> dict[str, object]:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def _sent(chat_id: int) -> dict[str, Any]:
    return {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}


@dataclass
class TelegramServer(PlatformServer):
    tokens: set[str] = field(default_factory=lambda: {TOKEN})
    # Files Telegram holds: file_id -> (file_path, content).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # Seconds every file download waits, to show downloads run side by side.
    download_delay: float = 0

    def token_of(self, path: str) -> str:
        head = path.removeprefix("/file/").removeprefix("/")
        return head.split("/", 1)[0].removeprefix("bot")

    def refuse(self, request: Received) -> Reply | None:
        if self.token_of(request.path) not in self.tokens:
            return Reply(
                401 if not request.path.startswith("/file/") else 404,
                json.dumps(error(401, "Unauthorized")).encode(),
            )
        return None

    def not_found(self, path: str) -> Reply:
        if path.startswith("/file/"):
            return Reply(404, json.dumps(error(404, "Not Found")).encode())
        return Reply(404, json.dumps(error(404, "Not Found")).encode())

    def answer(self, request: Received) -> Reply:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        with self.lock:
            queued = any(request.path.startswith(p) and r for p, r in self.replies.items())
        if queued:
            return super().answer(request)
        return self.default(request)

    def default(self, request: Received) -> Reply:
        method = request.path.rsplit("/", 1)[-1]
        if request.path.startswith("/file/"):
            file_path = request.path.split("/", 3)[3]
            for stored_path, content in self.files.values():
                if stored_path == file_path:
                    time.sleep(self.download_delay)
                    return Reply(200, content, content_type="application/octet-stream")
            return self.not_found(request.path)
        if method == "getMe":
            return ok(BOT)
        if method == "setWebhook":
            return ok(True)
        if method == "getFile":
            file_id = request.form.get("file_id", [""])[0]
            if file_id not in self.files:
                return Reply(400, json.dumps(error(400, "Bad Request: invalid file_id")).encode())
            file_path, content = self.files[file_id]
            result = {"file_id": file_id, "file_unique_id": file_id[::-1],
                      "file_size": len(content), "file_path": file_path}  # fmt: skip
            return ok(result)
        if method.startswith("send"):
            return ok(_sent(int(request.form.get("chat_id", ["0"])[0] or 0)))
        return self.not_found(request.path)

    def sent(self, method: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.endswith(f"/{method}")]


def fields(request: Received) -> dict[str, str]:
    """A Bot API call's parameters (aiogram sends a call without files as a form)."""
    return {k: v[0] for k, v in request.form.items()}


def serve() -> Iterator[TelegramServer]:
    yield from serve_platform(TelegramServer())
