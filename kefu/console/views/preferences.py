"""The agent's own settings from the navigation: language and availability."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kefu.agents import actions as agent_actions
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import AvailabilityForm, LanguageForm
from kefu.console.htmx import is_htmx
from kefu.console.views.conversation import error_response


def _back(request: AgentRequest, url: str) -> HttpResponse:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("console:inbox")


@require_POST
@agent_required
def language(request: AgentRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return _back(request, request.POST.get("next", ""))
    try:
        agent_actions.set_language(agent=request.agent, language=form.cleaned_data["language"])
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    # The whole page changes language, so it is reloaded rather than patched.
    return _back(request, form.cleaned_data["next"])


@require_POST
@agent_required
def availability(request: AgentRequest) -> HttpResponse:
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            agent_actions.set_availability(
                agent=request.agent, availability=form.cleaned_data["availability"]
            )
        except PermissionDenied as denied:
            return error_response(request, str(denied), 403)
    if is_htmx(request):
        return render(request, "console/_availability.html", {"agent": request.agent})
    return _back(request, request.POST.get("next", ""))
