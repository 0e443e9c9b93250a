"""Checks for what a guided flow asks: each returns the cleaned value or raises."""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator, validate_email
from django.utils.translation import gettext as _

NETWORKS = ("TRC20", "ERC20", "BEP20", "BTC", "SOL", "XRP", "XLM", "EOS", "TON", "OTHER")
# Networks whose deposits need a memo/tag besides the address.
MEMO_NETWORKS = frozenset({"XRP", "XLM", "EOS", "TON"})

_REFERENCE = re.compile(r"^[WD]-?\d{3,12}$", re.IGNORECASE)
# 64 hex digits (with or without 0x: EVM, Tron, Bitcoin) or a base58 signature (Solana).
_TX_HASH = re.compile(r"^(?:0x)?[0-9a-fA-F]{64}$|^[1-9A-HJ-NP-Za-km-z]{80,90}$")
MAX_TEXT = 2000


def transfer_reference(value: str) -> str:
    """A withdrawal/deposit number (W-1042) or a transaction hash."""
    value = value.strip()
    if _REFERENCE.match(value):
        letter, digits = value[0].upper(), value[1:].lstrip("-")
        return f"{letter}-{digits}"
    if _TX_HASH.match(value):
        return value
    raise ValidationError(
        _("Enter the withdrawal number from your records (like W-1042) or the transaction hash.")
    )


def tx_hash(value: str) -> str:
    value = value.strip()
    if not _TX_HASH.match(value):
        raise ValidationError(
            _("This does not look like a transaction hash: it is 64 hexadecimal characters, "
              "sometimes starting with 0x.")
        )  # fmt: skip
    return value


def network(value: str) -> str:
    value = value.strip().upper()
    if value not in NETWORKS:
        raise ValidationError(_("Choose one of the listed networks."))
    return value


def email(value: str) -> str:
    value = value.strip()
    validate_email(value)
    return value.lower()


def text(value: str) -> str:
    value = value.strip()
    # Kept in the run's JSON, where PostgreSQL cannot store U+0000: refused as forms do.
    ProhibitNullCharactersValidator()(value)
    if not value:
        raise ValidationError(_("Please write a short answer."))
    if len(value) > MAX_TEXT:
        raise ValidationError(_("Please keep it under %(limit)s characters.") % {"limit": MAX_TEXT})
    return value


VALIDATORS: dict[str, Callable[[str], str]] = {
    "transfer_reference": transfer_reference,
    "tx_hash": tx_hash,
    "network": network,
    "email": email,
    "text": text,
}
