"""A local HTTP server in api.weixin.qq.com's place.

It checks what WeChat checks: every call but /cgi-bin/token carries an access token it
issued (an unknown one gets errcode 40001), and /cgi-bin/token wants the account's AppID
and AppSecret. It issues a new token on each /cgi-bin/token call, as WeChat does, and
answers the customer-service and media calls with WeChat's documents.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from tests.inboxes.wechat.wire import APP_ID, APP_SECRET
from tests.platform_server import PlatformServer, Received, Reply
from tests.platform_server import serve as serve_platform

OK = {"errcode": 0, "errmsg": "ok"}


def _json(body: dict[str, object], status: int = 200) -> Reply:
    return Reply(status, json.dumps(body).encode())


@dataclass
class WeChatServer(PlatformServer):
    tokens: list[str] = field(default_factory=list)
    # Seconds WeChat takes to issue a token: long enough for workers to overlap.
    token_delay: float = 0.0

    def refuse(self, request: Received) -> Reply | None:
        if request.path == "/cgi-bin/token":
            if request.query.get("appid") != [APP_ID] or request.query.get("secret") != [
                APP_SECRET
            ]:
                return _json({"errcode": 40125, "errmsg": "invalid appsecret"})
            return None
        token = (request.query.get("access_token") or [""])[0]
        with self.lock:
            known = token in self.tokens
        if not known:
            return _json({"errcode": 40001, "errmsg": "invalid credential"})
        return None

    def answer(self, request: Received) -> Reply:
        refused = self.refuse(request)
        if refused is not None or request.path != "/cgi-bin/token":
            return refused or super().answer(request)
        time.sleep(self.token_delay)
        with self.lock:
            queued = self.replies.get("/cgi-bin/token")
            if queued:
                return queued.pop(0)
            self.tokens.append(f"ACCESS_TOKEN_{len(self.tokens) + 1}")
            return _json({"access_token": self.tokens[-1], "expires_in": 7200})

    def not_found(self, path: str) -> Reply:
        return _json({"errcode": 40066, "errmsg": "invalid url"}, 404)

    def expire_tokens(self) -> None:
        """WeChat invalidated every token issued so far (a refresh elsewhere, a restart)."""
        with self.lock:
            self.tokens = [f"EXPIRED_{token}" for token in self.tokens]


def serve() -> Iterator[WeChatServer]:
    server = WeChatServer()
    server.reply("/cgi-bin/message/custom/send", 200, OK)
    server.reply("/cgi-bin/media/upload", 200, {"type": "image", "media_id": "UPLOADED_1"})
    yield from serve_platform(server)
