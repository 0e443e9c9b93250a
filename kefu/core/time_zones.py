"""The IANA time zones a person may choose, from the tzdata the project installs."""

import functools
import zoneinfo

_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/")


@functools.cache
def choosable_zones() -> tuple[str, ...]:
    """UTC, then region names ("Asia/Taipei") sorted; legacy aliases such as "PRC",
    "Etc/GMT+8" or "US/Pacific" are left out: their signs and names mislead in a list."""
    regions = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(_LEGACY_PREFIXES)
    )
    return ("UTC", *regions)


def is_choosable(name: str) -> bool:
    return name in _choosable_set()


@functools.cache
def _choosable_set() -> frozenset[str]:
    return frozenset(choosable_zones())
