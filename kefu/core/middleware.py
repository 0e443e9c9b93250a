"""Per-request viewer preferences: language and time zone from the profile or the browser."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from kefu.core.languages import Language, to_django

TIMEZONE_COOKIE = "kefu_tz"


def _valid_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimezoneMiddleware:
    """Show times in the viewer's zone and text in the viewer's language.

    What a signed-in agent chose in their preferences wins; what they left blank, and
    everything for anyone else, follows the browser: its zone (a cookie set by the page's
    script) and LocaleMiddleware's choice (language cookie, then Accept-Language).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            zone = _valid_zone(getattr(user, "timezone", None))
            language = getattr(user, "language", "")
            if language in Language.values:
                translation.activate(to_django(language))
                request.LANGUAGE_CODE = translation.get_language()
        zone = zone or _valid_zone(request.COOKIES.get(TIMEZONE_COOKIE))
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
