"""Normal forms of channel addresses, so one person is one identity row."""

import re

from kefu.contacts.models import IdentityKind

_PHONE_NOISE = re.compile(r"[\s\-().]")


def normalize(kind: str, value: str) -> str:
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        return value.lower()
    if kind == IdentityKind.PHONE:
        value = _PHONE_NOISE.sub("", value)
        return "+" + value[2:] if value.startswith("00") else value
    if kind == IdentityKind.TELEGRAM:
        return value.lstrip("@").lower()
    return value
