"""One normal form for every phone number: E.164 ("+8613800138000").

A caller's number arrives as Twilio's E.164, as a PBX's national digits ("13800138000"),
with the international prefix ("008613800138000") or as a person types it
("+86 138 0013 8000"). Matching any of these against contacts or the official registry
by their strings fails (Zammad #4872, #5128), so everything that stores or compares a
number passes it through `to_e164` first, with libphonenumber's metadata for the national
and international prefixes of each country.
"""

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import KefuError


class InvalidPhoneNumber(KefuError):
    code = "invalid_phone_number"


def to_e164(value: str, region: str = "") -> str:
    """`value` in E.164; a number without a country code is read as one of `region`.

    `region` defaults to KEFU_PHONE_REGION, the country most callers dial from. Raises
    InvalidPhoneNumber for text that is not a possible number anywhere, so that nothing
    stores a half-normalized number that will never match again.
    """
    text = value.strip()
    refusal = InvalidPhoneNumber(_("“%(value)s” is not a phone number.") % {"value": text[:40]})
    try:
        number = phonenumbers.parse(text, region or settings.KEFU_PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise refusal from error
    if not phonenumbers.is_possible_number(number):
        raise refusal
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str) -> str:
    """An E.164 number as people read it: "+86 138 0013 8000"."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
