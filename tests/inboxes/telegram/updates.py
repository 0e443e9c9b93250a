"""Updates as Telegram sends them to a webhook (the Bot API's JSON), for the tests."""

import itertools
import json
import time
from typing import Any

_ids = itertools.count(500_000_001)

USER_ID = 7_012_345_678


def user(user_id: int = USER_ID, language_code: str | None = "zh-hans") -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": "小明",
        "last_name": "王",
    }
    if language_code is not None:
        found["language_code"] = language_code
    return found


def message(
    update_id: int | None = None,
    *,
    sender: dict[str, Any] | None = None,
    chat_type: str = "private",
    key: str = "message",
    **content: Any,
) -> dict[str, Any]:
    sender = sender or user()
    chat: dict[str, Any] = {"id": -100123, "type": chat_type, "title": "Group"}
    if chat_type == "private":
        chat = {"id": sender["id"], "type": "private", "first_name": sender["first_name"]}
    body: dict[str, Any] = {"message_id": next(_ids) % 100_000, "date": int(time.time()),
                            "chat": chat, **content}  # fmt: skip
    if chat_type != "channel":
        body["from"] = sender
    return {"update_id": update_id or next(_ids), key: body}


def text(words: str, **kw: Any) -> dict[str, Any]:
    return message(text=words, **kw)


def photo(file_id: str, *, size: int, caption: str = "", **kw: Any) -> dict[str, Any]:
    sizes = [
        {"file_id": f"{file_id}-s", "file_unique_id": "s", "width": 90, "height": 90,
         "file_size": min(size, 1200)},
        {"file_id": file_id, "file_unique_id": "l", "width": 1280, "height": 960,
         "file_size": size},
    ]  # fmt: skip
    extra: dict[str, Any] = {"caption": caption} if caption else {}
    return message(photo=sizes, **extra, **kw)


def document(file_id: str, *, name: str, mime: str, size: int, caption: str = "",
             **kw: Any) -> dict[str, Any]:  # fmt: skip
    doc = {"file_id": file_id, "file_unique_id": file_id[::-1], "file_name": name,
           "mime_type": mime, "file_size": size}  # fmt: skip
    extra: dict[str, Any] = {"caption": caption} if caption else {}
    return message(document=doc, **extra, **kw)


def voice(file_id: str, *, size: int, **kw: Any) -> dict[str, Any]:
    note = {"file_id": file_id, "file_unique_id": file_id[::-1], "duration": 3,
            "mime_type": "audio/ogg", "file_size": size}  # fmt: skip
    return message(voice=note, **kw)


def encode(update: dict[str, Any]) -> bytes:
    return json.dumps(update, ensure_ascii=False).encode()
