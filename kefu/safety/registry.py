"""Reads of the official-channel registry."""

from kefu.safety.links import check_links
from kefu.safety.models import OfficialChannel, OfficialKind


def official_channels() -> list[OfficialChannel]:
    """The active registry, ordered for display."""
    return list(OfficialChannel.objects.filter(is_active=True).order_by("kind", "value"))


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
