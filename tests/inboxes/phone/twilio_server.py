"""A local HTTP server in Twilio's place, for the REST calls Kefu makes to it.

It checks what Twilio itself checks — HTTP Basic credentials of the account — and answers
a path nothing was queued for with Twilio's own error document (tests/platform_server.py
does the rest).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from tests.platform_server import PlatformServer, Received, Reply
from tests.platform_server import serve as serve_platform


@dataclass
class TwilioServer(PlatformServer):
    account_sid: str = ""
    auth_token: str = ""

    def refuse(self, request: Received) -> Reply | None:
        if request.basic_auth != (self.account_sid, self.auth_token):
            error = {"code": 20003, "message": "Authenticate", "status": 401}
            return Reply(401, json.dumps(error).encode())
        return None

    def not_found(self, path: str) -> Reply:
        error = {"code": 20404, "message": "The requested resource was not found", "status": 404}
        return Reply(404, json.dumps(error).encode())


def serve(account_sid: str, auth_token: str) -> Iterator[TwilioServer]:
    """Run a server on a free loopback port for the duration of a fixture."""
    yield from serve_platform(TwilioServer(account_sid=account_sid, auth_token=auth_token))
