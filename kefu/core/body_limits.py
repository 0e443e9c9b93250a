"""Request bodies: capped in front of Django before anything reads them, and refused
cleanly when Django cannot read them.

Django's ASGI handler takes in a request's whole body (into a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE) before any middleware, upload handler or view runs, so none
of those can refuse a 300 MB upload in time: the server has received and kept it by then.
This wrapper sits in front of Django instead:

* a request announcing (Content-Length) more than its cap is answered 413 at once, and
  its body is never read;
* a body that grows past its cap while it arrives (chunked, or without a length) is cut
  off there and answered 413.

A request to a view that takes files may carry that many attachments
(KEFU_MAX_ATTACHMENT_BYTES each) plus the form around them; every other body is capped
at DATA_UPLOAD_MAX_MEMORY_SIZE, the limit Django itself puts on a body without files.
Each file is then checked on its own by conversations.attachments.read_upload.
"""

from collections.abc import Awaitable, Callable, Mapping
from html import escape
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The text fields and multipart headers around the files of one request.
FORM_OVERHEAD_BYTES = 1024 * 1024


class BodyLimit:
    """ASGI middleware; `files_by_url_name` names the views that take files, and how many."""

    def __init__(self, app: ASGIApp, files_by_url_name: Mapping[str, int]) -> None:
        self.app = app
        self.files_by_url_name = files_by_url_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        small = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        found: list[int] = []

        def cap() -> int:
            # Resolved only for a body past the small cap: most requests never pay for it.
            if not found:
                found.append(self.cap_for(scope["path"], small))
            return found[0]

        length = _content_length(scope)
        if length is not None and length > small and length > cap():
            await _refuse(scope, send, cap(), takes_files=cap() > small)
            return
        received = 0
        exceeded = False

        async def capped_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > small and received > cap():
                    exceeded = True
                    # Told the client left, Django's handler closes the body file it was
                    # filling (raising here instead would leak it), stops and answers nothing.
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, capped_receive, send)
        if exceeded:
            await _refuse(scope, send, cap(), takes_files=cap() > small)

    def cap_for(self, path: str, small: int) -> int:
        try:
            view_name = resolve(path).view_name
        except Resolver404:
            return small
        files = self.files_by_url_name.get(view_name)
        if files is None:
            return small
        return files * settings.KEFU_MAX_ATTACHMENT_BYTES + FORM_OVERHEAD_BYTES


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we are called
    return None


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value).decode("latin-1")
    return ""


def _language(scope: Scope) -> str:
    request = HttpRequest()
    request.META["HTTP_ACCEPT_LANGUAGE"] = _header(scope, b"accept-language")
    return translation.get_language_from_request(request)


async def _refuse(scope: Scope, send: Send, cap: int, *, takes_files: bool) -> None:
    language = _language(scope)
    with translation.override(language):
        limit = filesizeformat(cap)
        if takes_files:
            message = _(
                "The upload is larger than the %(limit)s this address accepts. Send smaller "
                "or fewer files (each file can be at most %(file_limit)s)."
            ) % {"limit": limit, "file_limit": filesizeformat(settings.KEFU_MAX_ATTACHMENT_BYTES)}
        else:
            message = _("The request is larger than the %(limit)s this address accepts.") % {
                "limit": limit
            }
    refused = refusal(
        scope["path"], _header(scope, b"accept"), language, 413, "request_too_large", message
    )
    headers = [
        (b"content-type", refused["Content-Type"].encode()),
        (b"content-length", str(len(refused.content)).encode()),
        # The rest of the body is never read, so the connection cannot carry another request.
        (b"connection", b"close"),
    ]
    if "Access-Control-Allow-Origin" in refused:
        headers.append(
            (b"access-control-allow-origin", refused["Access-Control-Allow-Origin"].encode())
        )
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": refused.content})


def refusal(
    path: str, accept: str, language: str, status: int, code: str, message: str
) -> HttpResponse:
    """A refusal made before any view runs, in the shape the caller reads: the API's error
    object, a short page for a browser, or the chat's JSON."""
    if path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": {"code": code, "message": message}}, status=status
        )
    elif "text/html" in accept:
        page = (
            f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
            f"<title>{status}</title><p>{escape(message)}</p></html>"
        )
        response = HttpResponse(page, status=status)
    else:
        response = JsonResponse({"code": code, "message": message}, status=status)
    if path.startswith("/chat/"):
        # The widget runs on other sites and must be able to read why; a refusal holds
        # nothing private, and chat uploads carry no cookies.
        response["Access-Control-Allow-Origin"] = "*"
    return response


class UnreadableBodyMiddleware:
    """A form body Django cannot read is refused here, before CSRF checking or a view.

    Django raises the parser's errors from `request.POST`, which CSRF checking and the
    views reach first, and answers them with a 500 (a multipart body without its
    boundary) or an HTML 400 (too many fields) that an API client cannot read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (reading it is the point)
            except (RequestDataTooBig, TooManyFilesSent):
                return self.refuse(
                    request,
                    413,
                    "request_too_large",
                    _("The request has too many files or too much form data."),
                )
            except (MultiPartParserError, TooManyFieldsSent):
                return self.refuse(
                    request, 400, "malformed_body", _("The request body could not be read.")
                )
        return self.get_response(request)

    def refuse(self, request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        language = translation.get_language() or settings.LANGUAGE_CODE
        return refusal(
            request.path, request.headers.get("Accept", ""), language, status, code, message
        )
