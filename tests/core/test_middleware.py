"""The viewer's language and time zone: an agent's choice, else the browser's."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from kefu.agents.models import Agent
from kefu.core.middleware import TIMEZONE_COOKIE, ViewerTimezoneMiddleware


def seen(user: object, cookie: str = "") -> tuple[str, str]:
    """The (language, zone) a view runs with for `user` whose browser says zh-Hant."""
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    if cookie:
        request.COOKIES[TIMEZONE_COOKIE] = cookie
    found: dict[str, str] = {}

    def view(request: HttpRequest) -> HttpResponse:
        found["language"] = translation.get_language()
        found["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    with translation.override("zh-hant"):  # what LocaleMiddleware chose from the browser
        ViewerTimezoneMiddleware(view)(request)
    timezone.deactivate()
    return found["language"], found["zone"]


def test_an_agents_choices_win_over_the_browser() -> None:
    agent = Agent(language="en", timezone="Europe/Paris")
    assert seen(agent, cookie="Asia/Tokyo") == ("en", "Europe/Paris")


def test_blank_choices_follow_the_browser() -> None:
    assert seen(Agent(language="", timezone=""), cookie="Asia/Tokyo") == ("zh-hant", "Asia/Tokyo")


def test_a_bad_zone_cookie_falls_back_to_the_site_zone(settings) -> None:
    assert seen(AnonymousUser(), cookie="Mars/Olympus") == ("zh-hant", settings.TIME_ZONE)
