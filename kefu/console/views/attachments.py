"""Attachment downloads, for signed-in agents only."""

from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.views.conversation import error_response
from kefu.conversations import selectors as conversation_selectors
from kefu.core.errors import NotFound
from kefu.core.file_responses import FileStream


@require_GET
@agent_required
def attachment(request: AgentRequest, attachment_id: int) -> HttpResponseBase:
    try:
        found = conversation_selectors.attachment_for_agent(request.agent, attachment_id)
    except NotFound as error:
        return error_response(request, error.message, error.status)
    # Always a download, never rendered in the console's origin: a customer's file
    # (an SVG, an HTML page named .png) must not run script with an agent's session.
    response = FileStream(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
