"""Reads of the SLA data that views need."""

from kefu.conversations.models import Conversation
from kefu.sla.models import Escalation


def escalations_of(conversation: Conversation) -> list[Escalation]:
    """The conversation's escalations, oldest first, with who asked for each."""
    return list(
        Escalation.objects.filter(conversation=conversation).select_related(
            "by_agent", "from_team", "to_team"
        )
    )
