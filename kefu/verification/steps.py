"""The steps of a case put into words, in the reader's language.

A `CaseEvent` stores a code and its parameters; each code has a whole sentence here with
named placeholders (like kefu/platform/reasons.py). Parameters hold codes and ISO times,
never a secret or an expected answer, and are worded at reading time: a kind or check
code becomes its label, a time is shown in the reader's zone.
"""

import logging
from collections.abc import Mapping
from datetime import datetime

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.platform import errors
from kefu.verification.models import CaseEvent, CaseKind, CheckKind, DocumentKind

log = logging.getLogger(__name__)

TEXTS: dict[str, Promise] = {
    "opened": _("The case was opened: %(kind)s."),
    "change_requested": _("The customer gave the new value for the change."),
    "code_sent": _("A code was sent to the registered contact %(hint)s."),
    "code_wrong": _("A wrong code was entered; %(left)s tries left."),
    "code_expired": _("The code had expired; a new one is needed."),
    "answers_scored": _("Questions about the account: %(correct)s of %(asked)s right."),
    "document_uploaded": _("Uploaded: %(document)s."),
    "document_viewed": _("A reviewer viewed a document: %(document)s."),
    "check_passed": _("Passed: %(check)s."),
    "check_failed": _("Failed: %(check)s."),
    "account_locked": _(
        "The customer locked the account's security settings until %(until)s; nothing can "
        "change before then."
    ),
    "proposed": _("Every check passed; the case awaits a second approver."),
    "approved": _(
        "Approved. The change will be carried out after %(executes_at)s unless it is "
        "cancelled with the link sent to the registered contacts."
    ),
    "notified": _("The registered contacts were told of the pending change."),
    "rejected": _("The request was rejected."),
    "cancelled_by_customer": _("The customer cancelled the request."),
    "cancelled_by_agent": _("Support cancelled the request."),
    "cancelled_by_token": _("The change was cancelled from the registered contact."),
    "execution_retry": _("The platform could not be reached; another try at %(at)s."),
    "executed": _("The change was carried out. Withdrawals are held until %(withdrawals_until)s."),
    "executed_no_hold": _("The change was carried out."),
    "failed": _("The platform refused the change: %(error)s"),
}

# Parameters that hold a code of these choices: shown as the choice's label.
_LABELS: dict[str, type[CaseKind] | type[CheckKind] | type[DocumentKind]] = {
    "kind": CaseKind,
    "check": CheckKind,
    "document": DocumentKind,
}


def _shown(value: object, name: str) -> str:
    text = str(value)
    if name in _LABELS:
        try:
            return str(_LABELS[name](text).label)
        except ValueError:
            return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return text


def sentence(event: CaseEvent) -> str:
    """The step in the active language."""
    template = TEXTS.get(event.code)
    if template is None:
        return event.code
    params: Mapping[str, object] = event.params
    shown = {name: _shown(value, name) for name, value in params.items()}
    if event.code == "failed":
        shown["error"] = errors.describe_code(
            str(params.get("code", "")),
            dict(params.get("params") or {}),  # type: ignore[call-overload]
        )
    try:
        return str(template) % shown
    except (KeyError, TypeError, ValueError):
        log.warning("case step %s lacks parameters: %s", event.code, sorted(params))
        return event.code
