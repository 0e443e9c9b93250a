"""A local HTTP server in api.x.com's place.

It checks what X checks: every request carries an OAuth 1.0a Authorization header whose
HMAC-SHA1 signature, recomputed here over RFC 5849's signature base string with the
account's consumer and token secrets, matches; and the consumer key and token are the
account's. A request that fails gets X's 401 problem document.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from urllib.parse import urlencode

from oauthlib.common import Request
from oauthlib.oauth1.rfc5849 import signature, utils

from tests.inboxes.x.wire import ACCESS_TOKEN, ACCESS_TOKEN_SECRET, CONSUMER_KEY, CONSUMER_SECRET
from tests.platform_server import PlatformServer, Received, Reply, _handler

UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401,
                "detail": "Unauthorized"}  # fmt: skip
SENT: dict[str, object] = {"data": {"dm_conversation_id": "1500000000000000001-1700000000000000042",
                 "dm_event_id": "1800000000000000099"}}  # fmt: skip


def _reply(body: dict[str, object], status: int) -> Reply:
    return Reply(status, json.dumps(body).encode(), content_type="application/problem+json")


@dataclass
class XServer(PlatformServer):
    # X's x-rate-limit-reset (epoch seconds) on every 429 this server answers.
    rate_limit_reset: str = ""

    def oauth_valid(self, request: Received) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("OAuth "):
            return False
        params = dict(utils.parse_authorization_header(header))
        if params.get("oauth_consumer_key") != CONSUMER_KEY:
            return False
        if params.get("oauth_token") != ACCESS_TOKEN:
            return False
        if params.get("oauth_signature_method") != "HMAC-SHA1":
            return False
        query = urlencode(request.query, doseq=True)
        uri = f"{self.url}{request.path}" + (f"?{query}" if query else "")
        checked = Request(uri, http_method=request.method, headers=request.headers)
        checked.params = signature.collect_parameters(
            uri_query=query, headers={"Authorization": header}, exclude_oauth_signature=True
        )
        checked.signature = utils.unescape(params.get("oauth_signature", ""))
        return bool(signature.verify_hmac_sha1(checked, CONSUMER_SECRET, ACCESS_TOKEN_SECRET))

    def refuse(self, request: Received) -> Reply | None:
        return None if self.oauth_valid(request) else _reply(UNAUTHORIZED, 401)

    def not_found(self, path: str) -> Reply:
        return _reply({"title": "Not Found Error", "type": "about:blank", "status": 404,
                       "detail": f"Sorry, that page does not exist: {path}"}, 404)  # fmt: skip


def serve() -> Iterator[XServer]:
    server = XServer()
    server.reply("/2/dm_conversations/with/", 201, SENT)
    server.reply("/2/tweets/", 200, {"data": {"hidden": True}})
    server.reply("/2/users/me", 200, {"data": {"id": "1500000000000000001",
                                               "name": "Kefu Exchange",
                                               "username": "kefuexchange"}})  # fmt: skip
    yield from _serve(server)


def _serve(server: XServer) -> Iterator[XServer]:
    """tests.platform_server.serve, with PUT, and X's rate-limit header added to a 429."""
    base = _handler(server)

    class Handler(base):  # type: ignore[misc,valid-type]
        do_PUT = base._serve  # type: ignore[attr-defined]  # noqa: N815 (hiding is a PUT)

        def send_response(self, code: int, message: str | None = None) -> None:
            super().send_response(code, message)
            if code == 429 and server.rate_limit_reset:
                self.send_header("x-rate-limit-reset", server.rate_limit_reset)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
