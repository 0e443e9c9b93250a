"""The append-only audit log of agent actions."""

from typing import Any

from django.db import models

from kefu.core.models import AuditEntry


def record(actor: Any, action: str, target: models.Model, **data: Any) -> AuditEntry:
    """Record that `actor` (an agent, or None for the system) did `action` to `target`."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )
