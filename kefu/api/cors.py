"""Cross-site calls to the public help endpoints, for the chat widget on other sites.

`/api/v1/help/search` and `/api/v1/help/flows/...` take no token and read no cookie (an
API flow run is anonymous; a signed-in portal customer's run is refused there), so any
page may call them: answers carry `Access-Control-Allow-Origin: *`, which browsers never
combine with the visitor's cookies. Errors carry it too, so the widget can show the
server's message (a refused flow answer says what is expected). The widget posts
`text/plain` JSON (a "simple" request, no preflight); a preflight from another client is
answered here rather than by the router, which would refuse OPTIONS.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PUBLIC_PREFIXES = ("/api/v1/help/search", "/api/v1/help/flows")
PREFLIGHT_MAX_AGE_SECONDS = 86400


class PublicHelpCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST"
            response["Access-Control-Allow-Headers"] = "Content-Type, Accept-Language"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        return response
