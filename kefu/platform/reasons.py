"""The reasons a connector may give, put into words in the reader's language.

Each code's text is a whole sentence with named placeholders, translated in this app's
catalogues; `describe` fills it with the reason's parameters. A connector adding a code
Kefu does not know yet still gets its `text` (or, lacking one, its code) shown.
"""

import logging

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.platform.connector import Reason

log = logging.getLogger(__name__)

TEXTS: dict[str, Promise] = {
    # Accounts
    "too_many_wrong_passwords": _("Too many wrong passwords"),
    "risk_control": _("Risk control check"),
    "reported_stolen": _("Reported stolen account"),
    "legal_hold": _("Legal hold"),
    "frozen_by_agent": _("Frozen by agent %(agent)s from %(conversation)s"),
    "frozen_from_guided_flow": _("The customer reported a stolen account in a guided flow"),
    # Transfers
    "large_amount": _("Large amount (over %(threshold)s): extra security review"),
    "security_review": _("Extra security review"),
    "address_checksum_failed": _("The destination address failed its checksum"),
    "missing_memo": _("The memo or tag is missing"),
    "not_made_by_customer": _("Not made by the customer (reported)"),
    "insufficient_balance": _("Insufficient balance"),
}


def describe(reason: Reason | None) -> str:
    """The reason in the active language; "" for none."""
    if reason is None:
        return ""
    template = TEXTS.get(reason.code)
    if template is None:
        return reason.text or reason.code
    try:
        return str(template) % dict(reason.params)
    except (KeyError, TypeError, ValueError):
        # A parameter the connector left out: its own words beat a broken sentence.
        log.warning("platform reason %s lacks parameters: %s", reason.code, reason.params)
        return reason.text or reason.code
