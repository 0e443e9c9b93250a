"""Reads of safety records for the console."""

from dataclasses import dataclass

from django.db.models import QuerySet

from kefu.core.language import normalize_language
from kefu.safety.guard_explanations import EXPLANATIONS, explain
from kefu.safety.markers import MARKERS
from kefu.safety.models import SafetyAlert

ALERTS_PER_PAGE = 50


@dataclass(frozen=True)
class AlertRow:
    alert: SafetyAlert
    # What happened, one line per reason, in the reader's language.
    reasons: list[str]
    # The blocked reply, redacted when it was stored; "" for an exposed secret.
    blocked_reply: str


def alerts(*, acknowledged: bool) -> QuerySet[SafetyAlert]:
    """Alerts waiting for a supervisor (or already seen), newest first."""
    return (
        SafetyAlert.objects.filter(acknowledged_at__isnull=not acknowledged)
        .select_related("conversation__contact", "agent", "acknowledged_by")
        .order_by("-created_at", "-pk")
    )


def unacknowledged_count() -> int:
    return SafetyAlert.objects.filter(acknowledged_at__isnull=True).count()


def describe_reason(reason: str, language: str) -> str:
    """A guard reason as its explanation, a secret kind as its marker ("[password removed]")."""
    if reason in EXPLANATIONS:
        return explain(reason, language)
    if reason in MARKERS:
        return MARKERS[reason][normalize_language(language, "")]
    return reason


def alert_rows(alerts: list[SafetyAlert], language: str) -> list[AlertRow]:
    return [
        AlertRow(
            alert,
            [describe_reason(reason, language) for reason in alert.reasons],
            alert.text if alert.kind == SafetyAlert.Kind.OUTBOUND_BLOCKED else "",
        )
        for alert in alerts
    ]
