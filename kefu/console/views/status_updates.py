"""A status-update template put into the reply box, for the agent to edit and send.

A plain link (no script needed): the page comes back with the template's text in the reply
form; sending it is the ordinary reply, guarded and counted like any other.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kefu.console.decorators import AgentRequest, agent_required
from kefu.console.forms import ReplyForm
from kefu.console.views.conversation import allowed_statuses, error_response, render_page
from kefu.conversations import selectors
from kefu.core.errors import NotFound
from kefu.sla.updates import template_for, text_for


@require_GET
@agent_required
def use_template(request: AgentRequest, reference: str, template_id: int) -> HttpResponse:
    try:
        conversation = selectors.conversation_for_agent(request.agent, reference)
    except NotFound as error:
        return error_response(request, error.message, error.status)
    template = template_for(conversation, template_id)
    if template is None:
        return error_response(request, _("That status update does not fit this conversation."), 404)
    form = ReplyForm(
        initial={"text": text_for(template, conversation)},
        allowed_statuses=allowed_statuses(conversation),
    )
    return render_page(request, conversation, reply_form=form)
