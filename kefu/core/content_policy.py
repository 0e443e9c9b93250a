"""Content-Security-Policy for every page, and the one place that decides about framing.

Kefu shows text that strangers wrote (emails, chats, impostor reports) to agents whose
sessions can freeze accounts. The sanitizer is the first wall; the policy is the second:
whatever slips into a page can load nothing from another host, run no script that is not
one of our static files, and the page cannot be framed for clickjacking. Every document
Kefu serves — console, portal, help center, chat pages, Django's admin, the API docs
(django-ninja's Swagger UI, from its own static files), error pages — runs under the
same strict policy; the only area that differs is the full-page chat, which the
operator's own sites may frame (`allow_framing`). A response that already carries a
policy (file downloads: `sandbox`) keeps it; files and JSON are not documents and get
none (a PDF opened in a tab needs the browser's viewer, which `object-src 'none'` stops).
"""

import re
import secrets
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

HEADER = "Content-Security-Policy"

Policy = Mapping[str, tuple[str, ...]]

STRICT: Policy = {
    "default-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "frame-ancestors": ("'none'",),
    "form-action": ("'self'",),
}

# Content types a browser renders as a document that can run script or load resources.
_DOCUMENTS = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}
)

# What may name a framing origin: scheme, host and port, nothing that could end the
# directive or the header.
_ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?\Z")


class Nonce:
    """A request's nonce for inline script and style, made when a template first uses it.

    Only a page that must stand alone needs one (the printable conversation record is
    saved to disk and opened without a server); the header names it only then.
    """

    def __init__(self) -> None:
        self._value = ""

    def __str__(self) -> str:
        if not self._value:
            self._value = secrets.token_urlsafe(18)
        return self._value

    @property
    def used(self) -> bool:
        return bool(self._value)


def allow_framing(response: HttpResponse, origins: Iterable[str]) -> None:
    """Let pages on these origins (and on this site) show the response in a frame.

    X-Frame-Options cannot name origins, so it is left off; frame-ancestors says it all.
    """
    sources = ["'self'", *(o for o in origins if o == "*" or _ORIGIN.match(o))]
    response.csp_frame_ancestors = tuple(dict.fromkeys(sources))  # type: ignore[attr-defined]
    response.xframe_options_exempt = True


def allow_sources(response: HttpResponseBase, sources: Policy) -> None:
    """Let this one response reach these hosts too (the agents' browser phone: Twilio's).

    Only the page a view decides needs them gets them; every other page stays strict.
    """
    response.csp_extra_sources = sources  # type: ignore[attr-defined]


def policy_for(response: HttpResponseBase, nonce: Nonce) -> str:
    policy = dict(STRICT)
    extra: Policy = getattr(response, "csp_extra_sources", {})
    for directive, sources in extra.items():
        policy[directive] = (*policy.get(directive, STRICT["default-src"]), *sources)
    ancestors = getattr(response, "csp_frame_ancestors", None)
    if ancestors:
        policy["frame-ancestors"] = ancestors
    if nonce.used:
        for directive in ("script-src", "style-src"):
            policy[directive] = (*policy[directive], f"'nonce-{nonce}'")
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        nonce = Nonce()
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if HEADER not in response and _is_document(response):
            response[HEADER] = policy_for(response, nonce)
        return response


def _is_document(response: HttpResponseBase) -> bool:
    # Django's debug pages (DEBUG only, never in production) are built on inline script
    # and style; a policy would leave the traceback unreadable.
    if settings.DEBUG and response.status_code in (404, 500):
        return False
    content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return content_type in _DOCUMENTS
