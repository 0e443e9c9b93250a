"""This site's address and its sender email are official with no registry row; nothing made
to look like them is.

Each imitation is derived from the configured address, and the class is checked for two
quite different sites (a laptop on 127.0.0.1 and a named https host), so the rule is
proven for what an operator sets, not for one example.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from kefu.safety.links import to_ascii
from kefu.safety.verification import Verdict, verify

pytestmark = pytest.mark.django_db  # an empty registry: official by construction only


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass(frozen=True)
class Site:
    url: str
    sender: str  # KEFU_FROM_EMAIL as an operator writes it
    address: str  # its address part


SITES = [
    Site("http://127.0.0.1:8000", "Kefu Support <support@kefu.example>", "support@kefu.example"),
    Site(
        "https://help.kefu-exchange.com",
        "客服 <service@mail.kefu-exchange.com>",
        "service@mail.kefu-exchange.com",
    ),
]

# Letters another script draws the same; the Kelvin sign is one that str.lower() turns
# into a Latin "k". Digits and anything else get their full-width form.
_TWINS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "h": "һ", "k": "\u212a"}


def _twin(text: str) -> str:
    """`text` with its first letter or digit swapped for one that only looks the same."""
    for i, char in enumerate(text):
        if char.isalnum():
            twin = _TWINS.get(char, chr(ord(char) + 0xFEE0))
            return text[:i] + twin + text[i + 1 :]
    raise AssertionError(f"nothing to swap in {text!r}")


@pytest.fixture(params=SITES, ids=["laptop", "named-https"])
def site(request: pytest.FixtureRequest, settings: Any) -> Site:
    chosen: Site = request.param
    settings.SITE_URL = chosen.url
    settings.DEFAULT_FROM_EMAIL = chosen.sender
    return chosen


def _parts(site: Site) -> tuple[str, str, int]:
    parts = urlsplit(site.url)
    port = parts.port or {"http": 80, "https": 443}[parts.scheme]
    return parts.scheme, parts.hostname or "", port


def test_the_site_itself_and_any_page_on_it_are_official(site: Site) -> None:
    scheme, host, port = _parts(site)
    for query in (
        site.url,
        site.url + "/",
        site.url + "/portal/verify/?q=KF-7Q2M9A#report",
        site.url.upper(),
        f"{scheme}://{host}:{port}/help/",  # the port written out
        f"{host}:{port}/portal/",  # no scheme: the host and port are what count
    ):
        result = verify(query)
        assert (result.verdict, result.kind) == (Verdict.OFFICIAL, "domain"), query
        assert result.label == "the address of this website"


def test_the_sender_address_is_official(site: Site) -> None:
    for query in (site.address, site.address.upper(), f"  {site.address} "):
        result = verify(query)
        assert (result.verdict, result.kind) == (Verdict.OFFICIAL, "email"), query
        assert result.label == "the address our emails are sent from"


def imitations_of_the_site(site: Site) -> list[str]:
    scheme, host, port = _parts(site)
    other_scheme = "https" if scheme == "http" else "http"
    twin = _twin(host)
    return [
        f"{scheme}://{host}:{port + 1}/portal/",  # another port
        f"{other_scheme}://{host}:{port}/portal/",  # another scheme
        f"{scheme}://{twin}:{port}/portal/",  # a letter from another script
        f"{scheme}://{host}:{port}@evil.example.com/portal/",  # ours as the user name
        f"{scheme}://user@{host}:{port}/portal/",  # credentials before our host
        f"{scheme}://{host}:{port}\\@evil.example.com/",  # a backslash browsers read as /
    ]


def unrelated_or_unknown_near_the_site(site: Site) -> list[str]:
    scheme, host, port = _parts(site)
    twin = to_ascii(_twin(host)) or ""
    return [
        f"{scheme}://evil.{host}:{port}/",  # a host below ours
        f"{scheme}://{host}.evil.com/",  # ours inside someone else's name
        f"{scheme}://{twin}:{port}/",  # the twin in punycode
        f"{scheme}://{host.replace('.', '-')}.com/",
    ]


def test_an_imitation_of_the_site_is_not_official_and_names_it(site: Site) -> None:
    for query in imitations_of_the_site(site):
        result = verify(query)
        assert result.verdict == Verdict.NOT_OFFICIAL, query
        assert result.imitates == site.url, query


def test_nothing_near_the_site_is_official(site: Site) -> None:
    for query in imitations_of_the_site(site) + unrelated_or_unknown_near_the_site(site):
        assert verify(query).verdict != Verdict.OFFICIAL, query


def test_an_imitation_of_the_sender_is_not_official_and_names_it(site: Site) -> None:
    local, domain = site.address.split("@")
    for query in (
        f"{local}s@{domain}",  # one letter more
        f"{local[:-1]}@{domain}",  # one letter less
        _twin(site.address),  # a letter from another script
        f"{local}@{_twin(domain)}",
        site.address.replace("k", "\u212a"),  # lower() would make it ours
    ):
        if query == site.address:
            continue  # no "k" to swap in this address
        result = verify(query)
        assert result.verdict == Verdict.NOT_OFFICIAL, query
        assert result.imitates == site.address, query


def test_other_addresses_on_or_around_the_senders_domain_are_not_official(site: Site) -> None:
    local, domain = site.address.split("@")
    for query in (f"refund@{domain}", f"{local}@{domain}.evil.com", f"{local}@evil.{domain}"):
        assert verify(query).verdict != Verdict.OFFICIAL, query


def test_a_sender_setting_without_an_address_makes_nothing_official(
    site: Site, settings: Any
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Kefu Support"
    assert verify(site.address).verdict != Verdict.OFFICIAL
