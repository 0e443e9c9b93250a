"""The agent's own settings: the preferences page, and language and availability from the
navigation."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from kefu.agents import actions as agent_actions
from kefu.agents.models import Agent
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import AvailabilityForm, CallDeviceForm, LanguageForm, PreferencesForm
from kefu.console.htmx import is_htmx
from kefu.console.views.conversation import error_response
from kefu.core.time_zones import choosable_zones


def _back(request: AgentRequest, url: str) -> HttpResponse:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("console:inbox")


def _call_device_form(agent: Agent) -> CallDeviceForm:
    return CallDeviceForm(
        initial={"answers_calls": agent.answers_calls, "phone_number": agent.phone_number}
    )


def _render(
    request: AgentRequest, form: PreferencesForm, phone_form: CallDeviceForm
) -> HttpResponse:
    context = {
        "form": form,
        "phone_form": phone_form,
        "zones": choosable_zones(),
        "nav": "preferences",
    }
    status = 422 if form.errors or phone_form.errors else 200
    return render(request, "console/preferences.html", context, status=status)


@require_http_methods(["GET", "POST"])
@agent_required
def preferences(request: AgentRequest) -> HttpResponse:
    agent = request.agent
    initial = {"language": agent.language, "timezone": agent.timezone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        agent_actions.set_preferences(
            agent=agent,
            language=form.cleaned_data["language"],
            timezone=form.cleaned_data["timezone"],
        )
        # Reloaded, not patched: the chosen language and zone apply to the whole page.
        return redirect("console:preferences")
    return _render(request, form, _call_device_form(agent))


@require_POST
@agent_required
def call_device(request: AgentRequest) -> HttpResponse:
    """Where the agent answers hotline calls: the browser, their phone, or not at all."""
    agent = request.agent
    phone_form = CallDeviceForm(request.POST)
    if not phone_form.is_valid():
        initial = {"language": agent.language, "timezone": agent.timezone}
        return _render(request, PreferencesForm(initial=initial), phone_form)
    agent_actions.set_call_device(
        agent=agent,
        answers_calls=phone_form.cleaned_data["answers_calls"],
        phone_number=phone_form.cleaned_data["phone_number"],
    )
    # Reloaded: the browser phone starts or stops with the page.
    return redirect("console:preferences")


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
