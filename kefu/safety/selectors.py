"""Reads of safety records for the console."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy

from kefu.core.language import normalize_language
from kefu.core.languages import to_django
from kefu.safety.guard_explanations import EXPLANATIONS, explain
from kefu.safety.markers import MARKERS
from kefu.safety.models import SafetyAlert

ALERTS_PER_PAGE = 50

# Where a customer's own report came from: kefu.feedback raises a "contacted outside
# official channels" alert with the reason "survey".
_SOURCES = {"survey": _lazy("The customer said so in the satisfaction survey.")}


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
    if reason in _SOURCES:
        with translation.override(to_django(normalize_language(language, ""))):
            return str(_SOURCES[reason])
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
