"""Writes of a phone line's settings: its numbers in E.164, and in the official registry.

A customer who is called back, or who sees the hotline on a letter, checks the number on
the verify page; a line whose numbers were not listed would be called "unknown" there,
which is what a scammer's number is called. So every save of a line lists them.
"""

from django.db import transaction

from kefu.core.phone_numbers import to_e164
from kefu.inboxes.phone.models import PhoneLine
from kefu.safety.actions import register_official_channel
from kefu.safety.models import OfficialChannel, OfficialKind


def register_official_numbers(line: PhoneLine) -> list[OfficialChannel]:
    """The hotline and outbound numbers of `line`, listed as official under the inbox's name."""
    numbers = dict.fromkeys(number for number in (line.number, line.outbound_number) if number)
    return [
        register_official_channel(kind=OfficialKind.PHONE, value=number, label=line.inbox.name)
        for number in numbers
    ]


def save_line(line: PhoneLine) -> PhoneLine:
    """Store a new or changed line with its numbers in E.164 and listed as official.

    Raises InvalidPhoneNumber (nothing saved) for a number that is not one.
    """
    line.number = to_e164(line.number)
    line.outbound_number = to_e164(line.outbound_number) if line.outbound_number.strip() else ""
    with transaction.atomic():
        line.save()
        register_official_numbers(line)
    return line
