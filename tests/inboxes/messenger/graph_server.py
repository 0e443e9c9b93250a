"""A local HTTP server in graph.facebook.com's place.

It checks what the Graph API checks: every call carries the page's access token (in the
Authorization header, as Kefu sends it); another token gets Meta's OAuthException (code
190). Calls are recorded and answered with the replies a test queued for their path.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from kefu.inboxes.messenger.graph import VERSION
from tests.platform_server import PlatformServer, Received, Reply
from tests.platform_server import serve as serve_platform

PAGE_ID = "104857600000001"
PAGE_TOKEN = "EAAGm0PX4ZCpsBA-page-token-for-tests"
APP_SECRET = "3f9c2b1e8d7a6f5e4d3c2b1a09f8e7d6"
VERIFY_TOKEN = "kefu-verify-token-for-tests"


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, object]:
    """Meta's error object, as every Graph refusal carries it."""
    error: dict[str, object] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def path(tail: str) -> str:
    """A Graph path as the server receives it: /v23.0/<tail>."""
    return f"/{VERSION}/{tail.lstrip('/')}"


@dataclass
class GraphServer(PlatformServer):
    token: str = PAGE_TOKEN

    def refuse(self, request: Received) -> Reply | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            body = graph_error(190, "Invalid OAuth access token - Cannot parse access token")
            return Reply(400, json.dumps(body).encode())
        return None

    def not_found(self, path: str) -> Reply:
        body = graph_error(100, f"Unsupported request - method type: {path}", subcode=33)
        return Reply(400, json.dumps(body).encode())


def serve() -> Iterator[GraphServer]:
    yield from serve_platform(GraphServer())
