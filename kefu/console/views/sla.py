"""The conversation page's SLA panel, refreshed on its own when the conversation changes."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import with_conversation
from kefu.conversations.models import Conversation
from kefu.sla import selectors


@require_GET
@agent_required
@with_conversation
def sla_panel(request: AgentRequest, conversation: Conversation) -> HttpResponse:
    context = {"conversation": conversation, "sla": selectors.panel(conversation)}
    return render(request, "console/_sla_timeline.html", context)
