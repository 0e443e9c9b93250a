"""Reads of guided flows: a run by its token, and the deflection figures for supervisors."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kefu.core.errors import NotFound
from kefu.core.intents import Intent
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.helpcenter.flows.models import FlowRun, RunOutcome

NOT_FOUND_MESSAGE = _lazy("This guided flow was not found.")


def run_by_token(token: str) -> FlowRun:
    try:
        key = uuid.UUID(str(token))
    except ValueError:
        raise NotFound(NOT_FOUND_MESSAGE) from None
    run = FlowRun.objects.select_related("contact", "conversation").filter(token=key).first()
    if run is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return run


def anonymous_run_by_token(token: str) -> FlowRun:
    """A run started without an account (widget, API). A signed-in customer's run shows
    their platform records, so its token alone does not reach it."""
    run = run_by_token(token)
    if run.contact_id is not None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return run


@dataclass(frozen=True)
class Deflection:
    intent: str
    label: str
    started: int
    solved: int
    handed_off: int

    @property
    def unfinished(self) -> int:
        return self.started - self.solved - self.handed_off

    @property
    def rate(self) -> float | None:
        """Solved by the customer alone, out of every run started (None when none were)."""
        return self.solved / self.started if self.started else None


def deflection(days: int) -> list[Deflection]:
    """Per flow, runs started in the last `days` days and how they ended; totals last."""
    since = timezone.now() - timedelta(days=days)
    counts = {
        row["intent"]: row
        for row in FlowRun.objects.filter(started_at__gte=since)
        .values("intent")
        .annotate(
            started=Count("pk"),
            solved=Count("pk", filter=Q(outcome=RunOutcome.SOLVED)),
            handed_off=Count("pk", filter=Q(outcome=RunOutcome.HANDOFF)),
        )
    }
    rows = [
        Deflection(
            intent=intent,
            label=str(Intent(intent).label),
            started=counts.get(intent, {}).get("started", 0),
            solved=counts.get(intent, {}).get("solved", 0),
            handed_off=counts.get(intent, {}).get("handed_off", 0),
        )
        for intent in FLOWS
    ]
    rows.append(
        Deflection(
            intent="",
            label=_("All flows"),
            started=sum(row.started for row in rows),
            solved=sum(row.solved for row in rows),
            handed_off=sum(row.handed_off for row in rows),
        )
    )
    return rows
