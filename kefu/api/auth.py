"""Bearer-token authentication: `Authorization: Bearer kefu_…` names an ApiToken.

A request that passes acts as the token's agent (permissions, replies, notes) and
writes customer messages into the token's inbox.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

from kefu.agents.models import Agent
from kefu.api.actions import TOKEN_PREFIX, record_token_use
from kefu.api.models import ApiToken
from kefu.api.selectors import active_token
from kefu.inboxes.models import Inbox

# token_urlsafe(32) gives 43 characters; anything far longer is not one of ours and is
# refused before it costs a hash and a query.
_MAX_TOKEN_CHARS = 100


class TokenAuth(HttpBearer):
    openapi_bearerFormat = "kefu_…"  # noqa: N815 (ninja copies openapi_* names into the schema)
    openapi_description = (
        "An API token created by an administrator, sent as `Authorization: Bearer kefu_…`. "
        "Requests act as the token's agent; customer messages enter the token's inbox."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        token = token.strip()
        if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_CHARS:
            return None
        found = active_token(token)
        if found is not None:
            record_token_use(found)
        return found


def api_token(request: HttpRequest) -> ApiToken:
    """The token that authenticated this request (every API operation requires one)."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def acting_agent(request: HttpRequest) -> Agent:
    return api_token(request).acts_as


def token_inbox(request: HttpRequest) -> Inbox:
    return api_token(request).inbox
