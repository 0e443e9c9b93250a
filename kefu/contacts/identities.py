"""Normal forms of channel addresses, so one person is one identity row."""

import re

from kefu.contacts.models import IdentityKind
from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164

_PHONE_NOISE = re.compile(r"[\s\-().]")


def normalize(kind: str, value: str) -> str:
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        return value.lower()
    if kind == IdentityKind.PHONE:
        try:
            return to_e164(value)
        except InvalidPhoneNumber:
            # Kept (without punctuation) rather than refused: an address a channel gave
            # us is the customer's, parsable or not.
            value = _PHONE_NOISE.sub("", value)
            return "+" + value[2:] if value.startswith("00") else value
    if kind == IdentityKind.TELEGRAM:
        return value.lstrip("@").lower()
    return value
