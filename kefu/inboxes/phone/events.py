"""A call's news, to the agents concerned only (Zammad #2177 sent every call to everyone).

Payloads carry ids; a console fetches the screen pop's HTML itself, so an event heard by
the wrong socket shows nothing.
"""

from collections.abc import Iterable

from kefu.core.events import agent_group, publish_on_commit
from kefu.inboxes.phone.models import Call

RINGING = "call.ringing"  # offered to the agent: pop the caller's context
ANSWERED = "call.answered"  # the agent took it: keep the pop open for notes
ENDED = "call.ended"  # over (or taken by someone else): the pop turns into wrap-up or closes


def call_changed(call: Call, kind: str, agent_ids: Iterable[int]) -> None:
    """Tell these agents' consoles, after the transaction commits."""
    groups = [agent_group(agent_id) for agent_id in sorted(set(agent_ids))]
    if groups:
        publish_on_commit(
            groups,
            {"kind": kind, "call": call.pk, "conversation": call.conversation_id},
        )
