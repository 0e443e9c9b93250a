"""Supervisors' switch for the satisfaction survey, inbox by inbox."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from kefu.agents.models import Role
from kefu.agents.permissions import require_role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response
from kefu.feedback import actions
from kefu.inboxes.models import Inbox


@require_http_methods(["GET", "HEAD", "POST"])
@agent_required
def survey_settings(request: AgentRequest) -> HttpResponse:
    try:
        require_role(request.agent, Role.SUPERVISOR)
        if request.method == "POST":
            chosen = request.POST.get("inbox", "")
            inbox = get_object_or_404(Inbox, pk=int(chosen) if chosen.isdigit() else 0)
            actions.set_inbox_survey(
                actor=request.agent, inbox=inbox, enabled=request.POST.get("enabled") == "1"
            )
            return redirect("console:survey_settings")
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    inboxes = [(inbox, actions.surveys_enabled(inbox)) for inbox in Inbox.objects.order_by("name")]
    return render(request, "feedback/console_settings.html", {"inboxes": inboxes, "nav": "surveys"})
