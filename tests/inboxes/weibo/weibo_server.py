"""A local HTTP server in m.api.weibo.com's place.

It checks what Weibo checks of a reply: a form POST with the account's access token (an
unknown one gets Weibo's 21332 "invalid_access_token"), a numeric receiver_id, type and
a data field holding the message's JSON; and answers with the sent message's document.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from tests.inboxes.weibo.wire import ACCESS_TOKEN
from tests.platform_server import PlatformServer, Received, Reply
from tests.platform_server import serve as serve_platform

REPLY = "/2/messages/reply.json"


def error(code: int, message: str, status: int = 400) -> Reply:
    body = {"error": message, "error_code": code, "request": REPLY}
    return Reply(status, json.dumps(body).encode())


@dataclass
class WeiboServer(PlatformServer):
    access_token: str = ACCESS_TOKEN

    def refuse(self, request: Received) -> Reply | None:
        form = request.form
        if form.get("access_token") != [self.access_token]:
            return error(21332, "invalid_access_token", 401)
        if request.method != "POST" or not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return error(10008, "param error, see doc for more info")
        receiver = (form.get("receiver_id") or [""])[0]
        try:
            data = json.loads((form.get("data") or [""])[0])
        except ValueError:
            data = None
        if not receiver.isdigit() or form.get("type") != ["text"] or not isinstance(data, dict):
            return error(10008, "param error, see doc for more info")
        return None

    def not_found(self, path: str) -> Reply:
        return error(10014, "request api not found", 404)


def serve() -> Iterator[WeiboServer]:
    server = WeiboServer()
    server.reply(
        REPLY, 200, {"id": 3332910801173380, "created_at": "Fri Jul 08 15:48:42 +0800 2011"}
    )
    yield from serve_platform(server)
