"""Holds: a conversation only some agents may act on, for as long as a procedure runs.

Every agent-facing write in conversations.actions (and routing's transfer) asks
`require_free` first; the app running the procedure holds and releases.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, ConversationHold


def hold(conversation: Conversation, agents: Iterable[Agent], key: str) -> None:
    """Let only `agents` (with those of other holds) act on the conversation; idempotent."""
    ConversationHold.objects.bulk_create(
        [ConversationHold(conversation=conversation, agent=agent, key=key) for agent in agents],
        ignore_conflicts=True,
    )


def release(conversation: Conversation, key: str) -> None:
    ConversationHold.objects.filter(conversation=conversation, key=key).delete()


def holders(conversation: Conversation) -> set[int]:
    """Ids of the agents who may act; empty when the conversation is not held."""
    return set(
        ConversationHold.objects.filter(conversation=conversation).values_list(
            "agent_id", flat=True
        )
    )


def require_free(conversation: Conversation, agent: Agent) -> None:
    """Refuse an agent the conversation is held from."""
    allowed = holders(conversation)
    if allowed and agent.pk not in allowed:
        raise PermissionDenied(
            _("%(ref)s is held for an identity verification: only its owner and its "
              "approver may act on it until the case is closed.")
            % {"ref": conversation.reference}
        )  # fmt: skip
