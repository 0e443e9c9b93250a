"""Supervisors' list of safety alerts: exposed secrets and blocked replies to look at."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from kefu.agents.models import Role
from kefu.agents.permissions import require_role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response
from kefu.core.languages import from_django
from kefu.safety import actions, selectors
from kefu.safety.models import SafetyAlert


@require_GET
@agent_required
def alert_list(request: AgentRequest) -> HttpResponse:
    try:
        require_role(request.agent, Role.SUPERVISOR)
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    show_seen = request.GET.get("seen") == "1"
    page = list(selectors.alerts(acknowledged=show_seen)[: selectors.ALERTS_PER_PAGE])
    context = {
        "nav": "alerts",
        "show_seen": show_seen,
        "rows": selectors.alert_rows(page, from_django(get_language())),
        "waiting": selectors.unacknowledged_count(),
    }
    return render(request, "console/safety_alerts.html", context)


@require_POST
@agent_required
def acknowledge(request: AgentRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(SafetyAlert, pk=alert_id)
    try:
        actions.acknowledge_alert(actor=request.agent, alert=alert)
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    return redirect("console:safety_alerts")
