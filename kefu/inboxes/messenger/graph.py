"""Facebook's Graph API over httpx (Meta keeps no maintained Python SDK for it): one
`call` for every request Kefu makes with a page's token, and one error with the fields
Meta's error object carries, so callers decide on codes, not on message text."""

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from kefu.core import http_client
from kefu.inboxes.messenger.models import FacebookPage

# Graph API version every call names; Meta keeps a version at least two years.
VERSION = "v23.0"
TIMEOUT = 20.0


@dataclass
class GraphError(Exception):
    """Meta's refusal (`code`, `subcode` from its error object), or no answer (code None)."""

    message: str
    code: int | None = None
    subcode: int | None = None
    status: int | None = None

    def __str__(self) -> str:
        parts = [f"code {self.code}" if self.code is not None else "", self.message]
        return ": ".join(part for part in parts if part)


def url(path: str) -> str:
    return f"{settings.KEFU_FACEBOOK_GRAPH_URL.rstrip('/')}/{VERSION}/{path.lstrip('/')}"


def _error(response: httpx.Response) -> GraphError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return GraphError(f"HTTP {response.status_code}", status=response.status_code)
    return GraphError(
        str(error.get("message", "")),
        code=error.get("code"),
        subcode=error.get("error_subcode"),
        status=response.status_code,
    )


def call(
    page: FacebookPage,
    method: str,
    path: str,
    *,
    json: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One Graph request with the page's token; the decoded answer, or GraphError.

    The token goes in the Authorization header, never in the URL, so no log of a proxy or
    of httpx itself holds it.
    """
    headers = {"Authorization": f"Bearer {page.page_access_token}"}
    try:
        response = http_client.client().request(
            method,
            url(path),
            json=json,
            params=params,
            files=files,
            data=data,
            headers=headers,
            timeout=TIMEOUT,
        )
    except httpx.HTTPError as failed:
        raise GraphError(f"{type(failed).__name__}: {failed}") from failed
    if response.status_code >= 400:
        raise _error(response)
    try:
        answer = response.json()
    except ValueError as unreadable:
        raise GraphError("the answer is not JSON", status=response.status_code) from unreadable
    return answer if isinstance(answer, dict) else {"data": answer}
