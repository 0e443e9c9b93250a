"""`agent_required`: the gate in front of every console page and htmx endpoint."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Concatenate, ParamSpec, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from kefu.agents.models import Agent
from kefu.console import sign_in
from kefu.console.htmx import is_htmx
from kefu.console.phone import allow_browser_phone, answers_in_browser

P = ParamSpec("P")


class AgentRequest(HttpRequest):
    """A request that passed `agent_required`: `agent` is the signed-in, verified agent."""

    agent: Agent
    # The console page loads the browser phone (console.phone.answers_in_browser).
    browser_phone: bool


AgentView = Callable[Concatenate[AgentRequest, P], HttpResponseBase]
PlainView = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def _go_to(request: HttpRequest, url: str) -> HttpResponseBase:
    # An htmx request would follow a 302 and swap the sign-in page into a fragment;
    # HX-Redirect makes the browser navigate instead.
    if is_htmx(request):
        return HttpResponse(status=401, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def _login_url(request: HttpRequest) -> str:
    url = reverse("console:login")
    if request.method == "GET" and not is_htmx(request):
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


def agent_required(view: AgentView[P]) -> PlainView[P]:
    """Let through only an active agent who passed both the password and the TOTP step.

    Anyone else is sent to the step they are missing: sign-in, enrolment or the code
    page. A disabled account gets 403 rather than a sign-in loop.
    """

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not user.is_active:
            return render(request, "console/forbidden.html", status=403)
        if not user.is_authenticated:
            if sign_in.pending_agent(request) is not None:
                return _go_to(request, sign_in.second_factor_url(request))
            return _go_to(request, _login_url(request))
        if not sign_in.is_verified(request):
            return _go_to(request, sign_in.second_factor_url(request))
        agent_request = cast(AgentRequest, request)
        agent_request.agent = user
        agent_request.browser_phone = answers_in_browser(user)
        response = view(agent_request, *args, **kwargs)
        if agent_request.browser_phone:
            allow_browser_phone(response)
        return response

    update_wrapper(wrapped, view)
    return wrapped
