"""Supervisors' view of guided flows: how many customers solved it themselves."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kefu.agents.models import Role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response
from kefu.helpcenter.flows.selectors import deflection

WINDOWS = (7, 30)


@require_safe
@agent_required
def deflection_page(request: AgentRequest) -> HttpResponse:
    if not request.agent.has_role(Role.SUPERVISOR):
        return error_response(request, _("Only supervisors can see this page."), 403)
    windows = [(days, deflection(days)) for days in WINDOWS]
    return render(request, "console/deflection.html", {"windows": windows, "nav": "deflection"})
