"""What the console needs to know about htmx requests and responses."""

from django.http import HttpRequest, HttpResponse


def is_htmx(request: HttpRequest) -> bool:
    # History restoration asks for a whole page, so it is answered like a normal load.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def client_redirect(url: str) -> HttpResponse:
    """Make htmx navigate the whole page (after a merge, the page's conversation is gone)."""
    return HttpResponse(headers={"HX-Redirect": url})
