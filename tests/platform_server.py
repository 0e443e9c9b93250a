"""A local HTTP server in a platform's place (Twilio, Telegram, WeChat …), for the REST
calls Kefu makes to it.

The platforms are unreachable from the test machines, so each is this server with the
platform's own checks: a subclass says how the platform refuses a request (a wrong
account, an unknown bot token, an expired access token) and what it answers for an
unknown path. Every request is recorded as received (method, path, query, body,
headers) so tests assert the real request shapes, and answered with the reply a test
queued for its path, first in first out.
"""

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    import pytest


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]

    @property
    def form(self) -> dict[str, list[str]]:
        """The body as an HTML form (application/x-www-form-urlencoded)."""
        return parse_qs(self.body.decode(errors="replace"), keep_blank_values=True)

    def json(self) -> object:
        return json.loads(self.body)

    @property
    def basic_auth(self) -> tuple[str, str]:
        """HTTP Basic credentials, or two empty strings."""
        auth = self.headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return "", ""
        username, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return username, password


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass
class PlatformServer:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # Queued answers per path prefix, first in first out; the longest prefix wins.
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, path: str, status: int, body: bytes | dict[str, object], **kw: str) -> None:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        with self.lock:
            self.replies.setdefault(path, []).append(Reply(status, data, **kw))

    @contextmanager
    def failing(self, path: str, status: int, body: bytes | dict[str, object]) -> Iterator[None]:
        """Within it, every request to `path` gets this answer (the platform is down or
        busy); the replies queued before come back afterwards."""
        with self.lock:
            kept = self.replies.get(path, [])
            self.replies[path] = []
        self.reply(path, status, body)
        try:
            yield
        finally:
            with self.lock:
                self.replies[path] = kept

    def requests_to(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.startswith(path)]

    def refuse(self, request: Received) -> Reply | None:
        """The platform's answer to a request it does not accept (credentials), or None."""
        return None

    def not_found(self, path: str) -> Reply:
        return Reply(404, b'{"error": "not found"}')

    def answer(self, request: Received) -> Reply:
        refused = self.refuse(request)
        if refused is not None:
            return refused
        with self.lock:
            for prefix in sorted(self.replies, key=len, reverse=True):
                if request.path.startswith(prefix) and self.replies[prefix]:
                    queued = self.replies[prefix]
                    # The last reply of a path stays for every later request.
                    return queued.pop(0) if len(queued) > 1 else queued[0]
        return self.not_found(request.path)


def _handler(server: PlatformServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            request = Received(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                body=self._body(),
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            with server.lock:
                server.received.append(request)
            answer = server.answer(request)
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def _body(self) -> bytes:
            """The request body, sized or chunked (aiohttp streams file uploads chunked)."""
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
            while self.rfile.readline().strip():
                pass  # trailer fields, up to the blank line that ends the body
            return b"".join(chunks)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test output is not the place for an access log

    return Handler


Server = TypeVar("Server", bound=PlatformServer)


def serve(state: Server) -> Iterator[Server]:
    """Run `state`'s server on a free loopback port for the duration of a fixture."""
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


def started(request: "pytest.FixtureRequest", servers: Iterator[Server]) -> Server:
    """A server from a `serve()` generator, stopped when the test that asked ends (for a
    conformance driver, which is not a fixture and cannot yield)."""
    server = next(servers)
    request.addfinalizer(lambda: next(servers, None))
    return server
