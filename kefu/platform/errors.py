"""Connector error codes put into words in the reader's language.

A back end's own message is English written for its engineers; it goes to the log, never
to a page. A code Kefu does not know reads as a generic refusal.
"""

from collections.abc import Mapping
from datetime import datetime

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.platform.connector import ConnectorError, ContactChannel, ErrorCode

TEXTS: dict[str, Promise] = {
    ErrorCode.UNAVAILABLE: _("The platform could not be reached. Try again in a few minutes."),
    ErrorCode.TIMEOUT: _("The platform did not answer in time. Try again in a few minutes."),
    ErrorCode.UNKNOWN_CUSTOMER: _("The platform has no customer with the id %(user_id)s."),
    ErrorCode.BAD_SIGNATURE: _(
        "The platform refused Kefu's signature: the connector's shared secret is wrong."
    ),
    ErrorCode.USER_LOCK_ACTIVE: _(
        "The customer locked their account's security settings until %(until)s. Nobody, "
        "support included, can change them before then."
    ),
    ErrorCode.NO_REGISTERED_CONTACT: _("The account has no registered contact to send it to."),
    ErrorCode.CHALLENGE_NOT_FOUND: _("This code has been replaced. Ask for a new one."),
    ErrorCode.INVALID_REQUEST: _("The platform refused the request as incomplete (%(field)s)."),
    ErrorCode.CONFLICT: _("The platform already received a different request with this key."),
    ErrorCode.REFUSED: _("The platform refused the request."),
}


# Texts that depend on a parameter's value, not only on the code: the channel is a word of
# the sentence, and "email" is not a word of a Chinese sentence.
BY_CHANNEL: dict[str, Promise] = {
    ContactChannel.EMAIL: _("The account has no registered email address to send it to."),
    ContactChannel.PHONE: _("The account has no registered phone number to send it to."),
}


def _readable(params: Mapping[str, str]) -> dict[str, str]:
    """Times the back end sends in ISO 8601, shown in the reader's zone and format."""
    shown = dict(params)
    for name, value in params.items():
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            continue
        if timezone.is_aware(moment):
            shown[name] = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return shown


def describe(error: ConnectorError) -> str:
    """The error in the active language, parameters filled where the code has them."""
    return describe_code(error.code, error.params)


def describe_code(code: str, params: Mapping[str, str]) -> str:
    """A stored failure (a case's failure_code and failure_params) in the active language."""
    if code == ErrorCode.NO_REGISTERED_CONTACT and params.get("channel") in BY_CHANNEL:
        return str(BY_CHANNEL[params["channel"]])
    template = str(TEXTS.get(code, TEXTS[ErrorCode.REFUSED]))
    try:
        return template % _readable(params) if "%(" in template else template
    except (KeyError, TypeError, ValueError):
        return str(TEXTS[ErrorCode.REFUSED])
