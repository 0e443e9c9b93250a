"""Who is looking at a portal page: the signed-in customer, and the language they read."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from kefu.contacts.actions import set_language
from kefu.contacts.models import Contact
from kefu.core.languages import from_django, to_django
from kefu.portal import session

P = ParamSpec("P")


class PortalRequest(HttpRequest):
    """A request from a signed-in customer (what `signed_in` views receive)."""

    contact: Contact


def chosen_language(request: HttpRequest) -> str | None:
    """The language picked with the switcher (Django's cookie), if any: an explicit choice."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code and translation.check_for_language(code):
        return from_django(code)
    return None


def follow_contact_language(request: HttpRequest, contact: Contact) -> None:
    """Keep the contact's stored language (used for their emails) and the page in step.

    A choice made with the switcher in this browser wins and is remembered on the
    contact; without one, a new browser shows the contact's own language rather than
    whatever the browser's Accept-Language happens to say.
    """
    chosen = chosen_language(request)
    if chosen is not None:
        if chosen != contact.language:
            set_language(contact, chosen)
        return
    translation.activate(to_django(contact.language))
    request.LANGUAGE_CODE = translation.get_language()


def sign_in_url(next_url: str) -> str:
    return reverse("portal:home") + "?" + urlencode({"next": next_url}, safe="/")


def signed_in(
    view: Callable[Concatenate[PortalRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Require a signed-in customer; their pages are personal, so no cache keeps them."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        contact = session.current_contact(request)
        if contact is None:
            return HttpResponseRedirect(sign_in_url(request.get_full_path()))
        follow_contact_language(request, contact)
        portal_request = cast(PortalRequest, request)
        portal_request.contact = contact
        response = view(portal_request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
