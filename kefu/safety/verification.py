"""“Is this official?” for a phone number, email address, link, social handle or agent id."""

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from kefu.agents.models import Agent
from kefu.core.phone_numbers import InvalidPhoneNumber, to_e164
from kefu.core.public_address import site_url
from kefu.safety import own_addresses
from kefu.safety.links import check_links, find_links, near, registrable_domain
from kefu.safety.models import OfficialChannel, OfficialKind

AGENT_ID = re.compile(r"^KF-[0-9A-Z]{6}$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{6,24}$")
_HANDLE_HOSTS = {
    "t.me": OfficialKind.TELEGRAM,
    "telegram.me": OfficialKind.TELEGRAM,
    "x.com": OfficialKind.X,
    "twitter.com": OfficialKind.X,
    "facebook.com": OfficialKind.FACEBOOK,
    "wa.me": OfficialKind.WHATSAPP,
    "weibo.com": OfficialKind.WEIBO,
    "weibo.cn": OfficialKind.WEIBO,
    "m.weibo.cn": OfficialKind.WEIBO,
}
# Weibo addresses a profile as /u/<uid>, /n/<nickname> or /profile/<uid>, and also as
# /<custom name>: the part after such a prefix is the handle.
_PROFILE_PREFIXES = frozenset({"u", "n", "profile"})


class Verdict(StrEnum):
    OFFICIAL = "official"
    NOT_OFFICIAL = "not_official"
    UNKNOWN = "unknown"


_DEFINITENESS = {Verdict.OFFICIAL: 0, Verdict.NOT_OFFICIAL: 1, Verdict.UNKNOWN: 2}
HANDLE_KINDS = (
    OfficialKind.TELEGRAM,
    OfficialKind.X,
    OfficialKind.WECHAT,
    OfficialKind.FACEBOOK,
    OfficialKind.WEIBO,
)


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    kind: str  # an OfficialKind value, or "agent"
    value: str  # the normal form that was looked up
    label: str = ""  # the official entry's label, or the agent's display name
    imitates: str = ""  # for an impostor: the official value it imitates


def normalize_phone(value: str) -> str:
    """E.164, so that "+86 400 123 4567", "4001234567" and "0086 400…" are one number.

    What libphonenumber cannot read keeps the older form (separators dropped, "00" as
    "+"): a short code or an extension is still looked up as written.
    """
    try:
        return to_e164(value)
    except InvalidPhoneNumber:
        digits = re.sub(r"[\s\-().]", "", value)
        return "+" + digits[2:] if digits.startswith("00") else digits


def normalize(kind: str, value: str) -> str:
    """The form OfficialChannel.value is stored in."""
    value = value.strip()
    if kind == OfficialKind.PHONE or kind == OfficialKind.WHATSAPP:
        return normalize_phone(value)
    if kind == OfficialKind.DOMAIN:
        links = find_links(value)
        host = links[0].host if links else value.lower()
        return host.removeprefix("www.")
    return value.lstrip("@").lower()


def _official(kind: str) -> dict[str, str]:
    rows = OfficialChannel.objects.filter(kind=kind, is_active=True).values_list("value", "label")
    return dict(rows)


def _check_domain(host: str) -> Verification:
    domains = _official(OfficialKind.DOMAIN)
    if any(host == d or host.endswith("." + d) for d in domains):
        official = next(d for d in domains if host == d or host.endswith("." + d))
        return Verification(Verdict.OFFICIAL, OfficialKind.DOMAIN, host, domains[official])
    # Look-alikes of this site's own domain are caught even with no registry row; its
    # other hosts (mail., www.) are not called imitations, only not listed.
    own_domain = registrable_domain(urlsplit(site_url()).hostname or "")
    warnings = check_links(host, [*domains, own_domain])
    if warnings:
        return Verification(
            Verdict.NOT_OFFICIAL, OfficialKind.DOMAIN, host, imitates=warnings[0].imitates or ""
        )
    return Verification(Verdict.UNKNOWN, OfficialKind.DOMAIN, host)


def _check_email(address: str) -> Verification:
    sender = own_addresses.match_sender(address)
    address = address.lower()
    emails = _official(OfficialKind.EMAIL)
    if address in emails and address.isascii():
        return Verification(Verdict.OFFICIAL, OfficialKind.EMAIL, address, emails[address])
    if sender is not None and sender.official:
        label = str(own_addresses.SENDER_LABEL)
        return Verification(Verdict.OFFICIAL, OfficialKind.EMAIL, address, label)
    domain = _check_domain(address.rsplit("@", 1)[1])
    if domain.verdict == Verdict.NOT_OFFICIAL:
        return Verification(
            Verdict.NOT_OFFICIAL, OfficialKind.EMAIL, address, imitates=domain.imitates
        )
    if sender is not None:
        return Verification(
            Verdict.NOT_OFFICIAL, OfficialKind.EMAIL, address, imitates=sender.address
        )
    # An unlisted address on our own domain is not one we write from.
    verdict = Verdict.NOT_OFFICIAL if domain.verdict == Verdict.OFFICIAL else Verdict.UNKNOWN
    return Verification(verdict, OfficialKind.EMAIL, address)


def _check_site(match: own_addresses.SiteMatch) -> Verification:
    if match.official:
        label = str(own_addresses.SITE_LABEL)
        return Verification(Verdict.OFFICIAL, OfficialKind.DOMAIN, match.address, label)
    return Verification(
        Verdict.NOT_OFFICIAL, OfficialKind.DOMAIN, match.address, imitates=match.address
    )


def _check_handle(kind: str, handle: str) -> Verification:
    handle = handle.lstrip("@").lower()
    handles = _official(kind)
    if handle in handles:
        return Verification(Verdict.OFFICIAL, kind, handle, handles[handle])
    for official in handles:
        # "kefu_support_vip" for "kefu_support", "kefu_suport" for "kefu_support".
        if official in handle or near(handle, official):
            return Verification(Verdict.NOT_OFFICIAL, kind, handle, imitates=official)
    return Verification(Verdict.UNKNOWN, kind, handle)


def _linked_handle(query: str) -> tuple[str, str] | None:
    """(kind, handle) when `query` is a profile link of a network ("t.me/kefu_support")."""
    links = find_links(query)
    if not links:
        return None
    link = links[0]
    kind = _HANDLE_HOSTS.get(link.host.removeprefix("www."))
    path = urlsplit(link.url if "://" in link.url else "//" + link.url).path.strip("/")
    if kind is None or not path:
        return None
    return kind, _profile_handle(kind, path)


def _profile_handle(kind: str, path: str) -> str:
    segments = path.split("/")
    if kind == OfficialKind.WEIBO and len(segments) > 1 and segments[0] in _PROFILE_PREFIXES:
        return segments[1]
    return segments[0]


def _check_phone(number: str) -> Verification:
    number = normalize_phone(number)
    phones = _official(OfficialKind.PHONE)
    for stored, label in phones.items():
        # Rows stored before numbers were E.164 are compared in their normal form too.
        official = normalize_phone(stored)
        # "400 …" without a country code, when it does not parse, is still our hotline.
        if number == official or (len(number) >= 7 and official.endswith(number)):
            return Verification(Verdict.OFFICIAL, OfficialKind.PHONE, official, label)
    return Verification(Verdict.UNKNOWN, OfficialKind.PHONE, number)


def _check_agent(agent_id: str) -> Verification:
    agent = Agent.objects.filter(public_id=agent_id, is_active=True).first()
    if agent is None:
        return Verification(Verdict.NOT_OFFICIAL, "agent", agent_id)
    return Verification(Verdict.OFFICIAL, "agent", agent_id, agent.display_name)


def verify(query: str, kind: str = "") -> Verification:
    """Classify `query` (or take `kind` as given) and look it up in the registry."""
    query = query.strip()
    upper = query.upper()
    if kind == "agent" or AGENT_ID.match(upper):
        return _check_agent(upper)
    if kind in HANDLE_KINDS:
        # "https://weibo.com/u/7510000001" said to be a Weibo account: its handle part.
        linked = _linked_handle(query)
        return _check_handle(kind, linked[1] if linked and linked[0] == kind else query)
    # "https://ours@elsewhere" has an @ too, but a link's credentials are not an address.
    looks_like_email = "://" not in query and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", query)
    if kind == OfficialKind.EMAIL or looks_like_email:
        return _check_email(query)
    # Before phone numbers: "127.0.0.1" is all digits and dots, and may be this site.
    site = own_addresses.match_site(query) if kind in ("", OfficialKind.DOMAIN) else None
    if site is not None:
        return _check_site(site)
    if kind in (OfficialKind.PHONE, OfficialKind.WHATSAPP) or _PHONE.match(query):
        return _check_phone(query)
    links = find_links(query)
    if links:
        linked = _linked_handle(query)
        if linked is not None:
            return _check_handle(*linked)
        return _check_domain(links[0].host)
    if query.startswith("@"):
        # A bare @handle could be on any network: the most definite answer wins.
        results = [_check_handle(kind, query) for kind in HANDLE_KINDS]
        return min(results, key=lambda result: _DEFINITENESS[result.verdict])
    return Verification(Verdict.UNKNOWN, "", query)
