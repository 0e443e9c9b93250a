from collections.abc import Callable

import pytest

from kefu.agents.models import Agent
from kefu.core import audit
from kefu.core.models import AuditEntry


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted(agent_factory: Callable[..., Agent]) -> None:
    agent = agent_factory()
    entry = audit.record(agent, "conversation.reply", agent, message=1)
    assert (entry.target_type, entry.target_id) == ("agents.agent", str(agent.pk))
    entry.action = "nothing happened"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get().action == "conversation.reply"
