"""The append-only audit log of agent actions."""

from collections.abc import Sequence
from typing import Any

from django.db import models

from kefu.core.models import AuditEntry


def entry(actor: Any, action: str, target: models.Model, **data: Any) -> AuditEntry:
    """An unsaved entry: `actor` (an agent, or None for the system) did `action` to `target`."""
    return AuditEntry(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )


def record(actor: Any, action: str, target: models.Model, **data: Any) -> AuditEntry:
    """Record that `actor` (an agent, or None for the system) did `action` to `target`."""
    added = entry(actor, action, target, **data)
    added.save()
    return added


def record_many(entries: Sequence[AuditEntry]) -> None:
    """Record entries made with `entry` in one insert (a sweep's batch, say)."""
    if entries:
        AuditEntry.objects.bulk_create(entries)
