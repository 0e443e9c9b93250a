"""Holds: a conversation only some agents may act on, for as long as a procedure runs.

Every agent-facing write in conversations.actions (and routing's transfer) asks
`require_free` first; the app running the procedure holds and releases.

Two kinds of hold exist: an identity verification case holds its conversation for its
owner and approver (verification.actions), and a conversation whose customer exposed a
secret is held for its assignee (the "secret lock", below) so that no second agent talks
to a customer who may be in the middle of being robbed.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kefu.agents.models import Agent
from kefu.conversations.models import Conversation, ConversationHold, Status

SECRET_PREFIX = "secret:"
# A resolved conversation no longer needs its owner's exclusive hand; a customer who
# writes again reopens it and the lock comes back with the assignee.
_LOCKED_STATUSES = (Status.OPEN, Status.PENDING, Status.ON_HOLD)


def hold(conversation: Conversation, agents: Iterable[Agent], key: str) -> None:
    """Let only `agents` (with those of other holds) act on the conversation; idempotent."""
    ConversationHold.objects.bulk_create(
        [ConversationHold(conversation=conversation, agent=agent, key=key) for agent in agents],
        ignore_conflicts=True,
    )


def release(conversation: Conversation, key: str) -> None:
    ConversationHold.objects.filter(conversation=conversation, key=key).delete()


def holders(conversation: Conversation, *, ignore: str = "") -> set[int]:
    """Ids of the agents who may act; empty when the conversation is not held.

    `ignore`: a hold key left out (a supervisor moving a secret lock is not refused by it).
    """
    rows = ConversationHold.objects.filter(conversation=conversation)
    if ignore:
        rows = rows.exclude(key=ignore)
    return set(rows.values_list("agent_id", flat=True))


def secret_key(conversation: Conversation) -> str:
    return f"{SECRET_PREFIX}{conversation.pk}"


def secret_lock_owner(conversation: Conversation) -> int | None:
    """The agent holding the conversation's secret lock, or None."""
    return (
        ConversationHold.objects.filter(conversation=conversation, key=secret_key(conversation))
        .values_list("agent_id", flat=True)
        .first()
    )


def sync_secret_lock(conversation: Conversation) -> None:
    """Make the secret lock match the conversation: its assignee holds it while it is open.

    The one place that decides the lock, called wherever one of its inputs changes (a
    secret exposed, an assignment, a status change); idempotent, inside the caller's
    transaction. No assignee: no lock yet (someone has to be able to take the case).
    """
    if not conversation.secret_exposed:
        # Never exposed (the flag is never cleared): there is no lock to take or to drop,
        # and the hot paths (every customer message, every assignment) skip the queries.
        return
    key = secret_key(conversation)
    owner = conversation.assignee_id
    if conversation.status not in _LOCKED_STATUSES or conversation.merged_into_id is not None:
        owner = None
    stale = ConversationHold.objects.filter(conversation=conversation, key=key)
    if owner is not None:
        stale = stale.exclude(agent_id=owner)
    stale.delete()
    if owner is not None:
        ConversationHold.objects.bulk_create(
            [ConversationHold(conversation=conversation, agent_id=owner, key=key)],
            ignore_conflicts=True,
        )


def require_free(conversation: Conversation, agent: Agent, *, ignore: str = "") -> None:
    """Refuse an agent the conversation is held from."""
    rows = ConversationHold.objects.filter(conversation=conversation)
    if ignore:
        rows = rows.exclude(key=ignore)
    held = list(rows.values_list("agent_id", "key"))
    if not held or agent.pk in {agent_id for agent_id, _key in held}:
        return
    if all(key.startswith(SECRET_PREFIX) for _agent_id, key in held):
        raise PermissionDenied(
            _("%(ref)s is locked by its owner: the customer exposed a secret, so only the "
              "assigned agent may act on it. A supervisor can take it over.")
            % {"ref": conversation.reference}
        )  # fmt: skip
    raise PermissionDenied(
        _("%(ref)s is held for an identity verification: only its owner and its "
          "approver may act on it until the case is closed.")
        % {"ref": conversation.reference}
    )  # fmt: skip
