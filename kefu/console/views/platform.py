"""Agent actions on the customer's platform account from a conversation."""

from kefu.console.decorators import AgentRequest
from kefu.console.forms import FreezeForm
from kefu.console.views.verification import case_action
from kefu.conversations.models import Conversation
from kefu.platform.connector import AccountStatus
from kefu.verification import actions


def _freeze(request: AgentRequest, conversation: Conversation, form: FreezeForm) -> AccountStatus:
    """Freeze with a reason and a confirmation; lifting it takes an approved UNFREEZE case,
    so there is no unfreeze endpoint here."""
    return actions.freeze(
        conversation=conversation,
        agent=request.agent,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        confirmed=form.cleaned_data["confirmed"],
    )


freeze_account = case_action(FreezeForm, _freeze)
