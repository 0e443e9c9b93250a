"""Reads of the official-channel registry."""

from dataclasses import dataclass

from kefu.core.phone_numbers import display
from kefu.core.public_address import site_url
from kefu.safety import own_addresses
from kefu.safety.links import check_links
from kefu.safety.models import OfficialChannel, OfficialKind


@dataclass(frozen=True)
class OfficialEntry:
    """One official address as customers see it listed: a registry row, or one of ours."""

    kind: str  # an OfficialKind value
    value: str
    label: str


def official_channels() -> list[OfficialChannel]:
    """The active registry, ordered for display."""
    return list(OfficialChannel.objects.filter(is_active=True).order_by("kind", "value"))


_NUMBER_KINDS = (OfficialKind.PHONE, OfficialKind.WHATSAPP)


def _shown(row: OfficialChannel) -> str:
    # Numbers are stored in E.164 for matching; people compare them grouped, as dialled.
    return display(row.value) if row.kind in _NUMBER_KINDS else row.value


def official_entries() -> list[OfficialEntry]:
    """Every address customers may trust: this site and its sender, then the registry."""
    rows = [OfficialEntry(row.kind, _shown(row), row.label) for row in official_channels()]
    own = [OfficialEntry(OfficialKind.DOMAIN, site_url(), str(own_addresses.SITE_LABEL))]
    sender = own_addresses.sender_address()
    if sender and sender not in {row.value for row in rows if row.kind == OfficialKind.EMAIL}:
        own.append(OfficialEntry(OfficialKind.EMAIL, sender, str(own_addresses.SENDER_LABEL)))
    return own + rows


def official_emails() -> list[str]:
    """The addresses our mail comes from, for a customer waiting for one."""
    return [entry.value for entry in official_entries() if entry.kind == OfficialKind.EMAIL]


def official_domains() -> list[str]:
    return list(
        OfficialChannel.objects.filter(kind=OfficialKind.DOMAIN, is_active=True).values_list(
            "value", flat=True
        )
    )


def link_warnings(text: str) -> list[dict[str, str | None]]:
    """Look-alike links in `text`, in the form Message.link_warnings stores."""
    if "." not in text:
        return []  # no link without a dot; spares the registry query on most chat lines
    return [
        {"url": w.url, "host": w.host, "reason": w.reason, "imitates": w.imitates}
        for w in check_links(text, official_domains())
    ]
