"""What every portal page shares: the signed-in customer for the header, the safety footer."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy

from kefu.contacts.models import Contact
from kefu.core.errors import NotFound

# Lazy: this module is imported while the URLconf that defines the name is loading. Every
# user (templates, build_absolute_uri) turns it into a str when it is used.
VERIFY_PATH = cast(str, reverse_lazy("portal:verify"))


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    contact: Contact | None = None,
    status: int = 200,
) -> HttpResponse:
    # Signed-in views carry the contact on the request; other pages pass it or have none.
    contact = contact or getattr(request, "contact", None)
    page = {
        "contact": contact,
        "verify_path": VERIFY_PATH,
        "max_upload": filesizeformat(settings.KEFU_MAX_ATTACHMENT_BYTES),
        **(context or {}),
    }
    return render(request, template, page, status=status)


P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)


def not_found_page(
    view: Callable[Concatenate[R, P], HttpResponseBase],
) -> Callable[Concatenate[R, P], HttpResponseBase]:
    """Answer NotFound with the portal's 404 page.

    Another customer's ticket is "not found" too, never "forbidden": a 403 would tell
    a guesser that the number exists.
    """

    @wraps(view)
    def wrapper(request: R, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return render_page(request, "portal/not_found.html", status=404)

    return wrapper
