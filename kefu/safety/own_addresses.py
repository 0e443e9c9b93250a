"""This site's own address and the address its emails come from: official by construction.

No registry row is needed for them (a fresh install has none, and its own links and mails
must not read as "unknown"), so they are recognised exactly and nothing near them is:
another port or scheme on the same host, a host with more labels, letters from another
script, punycode, credentials before the host, or an address one letter off. Such an
imitation answers "not official" and names what it imitates.
"""

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kefu.core.public_address import site_url
from kefu.safety.links import near, skeleton

SITE_LABEL = _("the address of this website")
SENDER_LABEL = _("the address our emails are sent from")

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SiteMatch:
    """How a link compares to this site: the same place, or an imitation of it."""

    official: bool
    address: str  # ours, as it is shown: the site's address or the sender's


def _origin(parts: SplitResult, scheme: str) -> tuple[str, str, int | None]:
    try:
        port = parts.port
    except ValueError:
        port = -1  # not a port a browser would open
    return scheme, (parts.hostname or ""), port if port is not None else _DEFAULT_PORTS.get(scheme)


def _split(query: str) -> SplitResult | None:
    """The query as a link with a host, or None when it is no link."""
    if not query or any(c.isspace() for c in query):
        return None
    if "://" in query:
        link = query
    elif query[:1].isalnum() and "@" not in query:
        # Written without a scheme ("127.0.0.1:8000/portal/"): the host is what counts.
        link = "//" + query
    else:
        return None
    try:
        parts = urlsplit(link)
    except ValueError:  # "http://[::1" and other addresses no browser opens
        return None
    return parts if parts.netloc else None


def match_site(query: str) -> SiteMatch | None:
    """This site (any path on it), an imitation of it, or None for an unrelated link."""
    parts = _split(query.strip())
    if parts is None:
        return None
    ours = urlsplit(site_url())
    home = _origin(ours, ours.scheme)
    # Characters that only look like ours (Cyrillic "а", the Kelvin sign that lower()
    # turns into "k", full-width digits) never reach the comparison.
    plain = parts.netloc.isascii() and "\\" not in parts.netloc
    if plain and "@" not in parts.netloc:
        found = _origin(parts, parts.scheme.lower() or ours.scheme)
        if found == home:
            return SiteMatch(True, site_url())
        if found[1] == home[1]:
            return SiteMatch(False, site_url())  # our host, another port or scheme
        return None
    # "https://our.host@elsewhere" and look-alike letters: named after what they copy.
    netloc = parts.netloc.lower()
    if home[1] in netloc or skeleton(home[1]) in skeleton(netloc):
        return SiteMatch(False, site_url())
    return None


def sender_address() -> str:
    """The address part of KEFU_FROM_EMAIL, lower-cased; "" when it holds none."""
    address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    return address.lower() if "@" in address and address.isascii() else ""


def match_sender(address: str) -> SiteMatch | None:
    """The sender address exactly, an address made to look like it, or None."""
    sender = sender_address()
    if not sender:
        return None
    if address.isascii() and address.lower() == sender:
        return SiteMatch(True, sender)
    candidate = address.lower()
    if near(candidate, sender) or skeleton(candidate) == skeleton(sender):
        return SiteMatch(False, sender)
    return None
