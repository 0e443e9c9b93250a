"""A local HTTP server in Twilio's place, for the REST calls Kefu makes to it.

Twilio is unreachable from the test machines, so its REST API (outbound calls, call
updates, recording downloads) is this server: it checks what Twilio itself checks — HTTP
Basic credentials of the account — records each request as received (method, path,
form fields, headers) so that tests assert the real request shapes, and answers with
the status and body a test queued for that path, or Twilio's own error document.
"""

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    username: str
    password: str


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class TwilioServer:
    account_sid: str
    auth_token: str
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Queued answers per path prefix, first in first out; a path with none gets 404.
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, path: str, status: int, body: bytes | dict[str, object], **kw: str) -> None:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        with self.lock:
            self.replies.setdefault(path, []).append(Reply(status, data, **kw))

    def requests_to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.startswith(path)]

    def _answer(self, path: str) -> Reply:
        with self.lock:
            for prefix in sorted(self.replies, key=len, reverse=True):
                if path.startswith(prefix) and self.replies[prefix]:
                    queued = self.replies[prefix]
                    # The last reply of a path stays for every later request.
                    return queued.pop(0) if len(queued) > 1 else queued[0]
        error = {"code": 20404, "message": "The requested resource was not found", "status": 404}
        return Reply(404, json.dumps(error).encode())


def _handler(server: TwilioServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            username = password = ""
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                username, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            server_received = Received(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                form=parse_qs(body, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                username=username,
                password=password,
            )
            with server.lock:
                server.received.append(server_received)
            if (username, password) != (server.account_sid, server.auth_token):
                error = {"code": 20003, "message": "Authenticate", "status": 401}
                answer = Reply(401, json.dumps(error).encode())
            else:
                answer = server._answer(parts.path)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test output is not the place for an access log

    return Handler


def serve(account_sid: str, auth_token: str) -> Iterator[TwilioServer]:
    """Run a server on a free loopback port for the duration of a fixture."""
    state = TwilioServer(account_sid, auth_token)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
