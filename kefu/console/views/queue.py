"""The supervisors' live queue: waiting chats, agents' load, service hours.

The board is one htmx fragment that reloads itself on every conversation event the
console's socket already receives, and every 15 seconds for availability changes
(which raise no conversation event).
"""

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kefu.agents.models import Role
from kefu.agents.permissions import require_role
from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import ExtendedHoursForm
from kefu.console.htmx import is_htmx
from kefu.console.views.conversation import error_response
from kefu.conversations.models import Conversation
from kefu.routing import actions
from kefu.routing.models import ServiceSchedule
from kefu.routing.selectors import BOARD_LIMIT, live_queue
from kefu.routing.service_hours import schedules_with_status
from kefu.routing.wait_estimate import auto_assigns, board_estimates
from kefu.sla.selectors import team_compliance_today


@dataclass(frozen=True)
class WaitingRow:
    conversation: Conversation
    position: int
    minutes: int | None  # the estimate the customer sees, rounded up; None: nobody online
    # The inbox does not assign automatically: the chat waits until an agent takes it.
    manual: bool


def _board_context() -> dict[str, Any]:
    now = timezone.now()
    board = live_queue(now)
    rows = [
        WaitingRow(
            chat.conversation,
            chat.position,
            None if s is None else math.ceil(s / 60),
            manual=not auto_assigns(chat.conversation),
        )
        for chat, s in board_estimates(board)
    ]
    return {
        "waiting": rows,
        "agents": board.agents,
        "schedules": schedules_with_status(now),
        "board_limit": BOARD_LIMIT,
        "sla_compliance": team_compliance_today(now),
        "nav": "queue",
    }


def _supervisor(request: AgentRequest) -> HttpResponse | None:
    try:
        require_role(request.agent, Role.SUPERVISOR)
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    return None


@require_GET
@agent_required
def queue(request: AgentRequest) -> HttpResponse:
    refused = _supervisor(request)
    return refused or render(request, "console/queue.html", _board_context())


@require_GET
@agent_required
def queue_board(request: AgentRequest) -> HttpResponse:
    refused = _supervisor(request)
    return refused or render(request, "console/queue_board.html", _board_context())


@require_POST
@agent_required
def extended_hours(request: AgentRequest, schedule_id: int) -> HttpResponse:
    schedule = get_object_or_404(ServiceSchedule, pk=schedule_id)
    form = ExtendedHoursForm(request.POST)
    if not form.is_valid():
        return error_response(request, str(form.errors.as_text()), 400)
    try:
        actions.set_extended_hours(
            actor=request.agent, schedule=schedule, on=form.cleaned_data["on"]
        )
    except PermissionDenied as denied:
        return error_response(request, str(denied), 403)
    if is_htmx(request):
        return render(request, "console/queue_board.html", _board_context())
    return redirect("console:queue")
