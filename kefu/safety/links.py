"""Links in messages, and the ones that imitate an official domain.

Phishing links copy the exchange's name: one letter off ("binnance.com"), letters from
another script ("bіnance.com" with a Cyrillic і), an IDN spelled in punycode, or the real
name inside someone else's domain ("binance.com-security.net"). Exact official domains,
their sub-domains and the block explorers customers send all the time are never flagged.

Domain splitting uses tldextract's bundled public-suffix snapshot; nothing is fetched.
"""

import contextlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import tldextract
from confusable_homoglyphs import confusables

LOOKALIKE_EDIT_DISTANCE = "lookalike_edit_distance"
HOMOGLYPH = "homoglyph"
PUNYCODE = "punycode"
OFFICIAL_NAME_IN_OTHER_DOMAIN = "official_name_in_other_domain"

# Hosts customers paste to show a transaction or an address; never a look-alike.
# fmt: off
BLOCK_EXPLORERS = frozenset((
    "etherscan.io", "bscscan.com", "tronscan.org", "tronscan.io", "solscan.io", "solana.fm",
    "explorer.solana.com", "mempool.space", "blockchair.com", "blockstream.info",
    "blockchain.com", "btc.com", "polygonscan.com", "arbiscan.io",
    "optimistic.etherscan.io", "basescan.org", "snowtrace.io", "ftmscan.com",
    "tonviewer.com", "tonscan.org", "xrpscan.com", "bithomp.com", "livenet.xrpl.org",
    "stellar.expert", "stellarchain.io", "mintscan.io", "explorer.near.org",
    "nearblocks.io", "suiscan.xyz", "suivision.xyz", "aptoscan.com", "blockcypher.com",
    "dogechain.info", "litecoinspace.org", "oklink.com", "tokenview.io", "subscan.io",
    "cardanoscan.io", "tronlink.org",
))
# fmt: on

_IDN_LETTERS = "\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1e00-\u1eff"
_LABEL_CHARS = "0-9a-z" + _IDN_LETTERS
# A URL with a scheme, a www. host, or a bare host with a dot: ASCII or IDN labels (but
# not Chinese characters, which surround links in Chinese messages: "请登录binance.com查看").
_LINK = re.compile(
    rf"(?<![@0-9A-Za-z_.\-{_IDN_LETTERS}])(?:(?:https?|hxxps?)://[^\s<>\"'，。！？、；：（）【】「」]+"
    rf"|(?:[{_LABEL_CHARS}](?:[{_LABEL_CHARS}-]{{0,61}}[{_LABEL_CHARS}])?\.)+"
    rf"(?:xn--[0-9a-z-]+|[a-z\u00c0-\u024f\u0400-\u04ff]{{2,63}})"
    r"(?::\d{2,5})?(?:[/?#][^\s<>\"'，。！？、；：（）【】「」]*)?)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\""
_SCHEME = re.compile(r"^(?:https?|hxxps?)://", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A link as written (`url`), its host in ASCII (`host`) and as people read it."""

    url: str
    host: str
    display_host: str
    start: int
    end: int


@dataclass(frozen=True)
class LinkWarning:
    """A link whose host imitates an official domain (`imitates`, when one is known)."""

    url: str
    host: str  # decoded for display: "bіnance.com", not "xn--bnance-…"
    reason: str
    imitates: str | None
    start: int
    end: int


@cache
def _extractor() -> tldextract.TLDExtract:
    # The bundled snapshot only: no suffix list download, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def find_links(text: str) -> list[Link]:
    """Every URL, www. address and bare domain in `text` (emails and file names excluded)."""
    links = []
    for match in _LINK.finditer(text):
        url = match.group().rstrip(_TRAILING)
        host = _host_of(url)
        if host is None:
            continue
        ascii_host = to_ascii(host)
        if ascii_host is None or not _has_public_suffix(ascii_host):
            continue
        start = match.start()
        links.append(Link(url, ascii_host, to_unicode(ascii_host), start, start + len(url)))
    return links


def check_links(text: str, official_domains: Iterable[str]) -> list[LinkWarning]:
    """Warnings for the links in `text` that imitate one of `official_domains`."""
    officials = _officials(tuple(official_domains))
    warnings = []
    for link in find_links(text):
        verdict = _judge(link.host, officials)
        if verdict is not None:
            reason, imitated = verdict
            warnings.append(
                LinkWarning(link.url, link.display_host, reason, imitated, link.start, link.end)
            )
    return warnings


# --- hosts --------------------------------------------------------------------------------


def _host_of(url: str) -> str | None:
    rest = _SCHEME.sub("", url)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".").lower()
    return host or None


def to_ascii(host: str) -> str | None:
    """The host in its DNS (punycode) form, or None when it is not a valid name."""
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append("xn--" + unicodedata.normalize("NFC", label).encode("punycode").decode())
        except UnicodeError:
            return None
    return ".".join(labels)


def to_unicode(host: str) -> str:
    """The host as people read it, punycode labels decoded."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError):
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def _has_public_suffix(ascii_host: str) -> bool:
    parts = _extractor()(ascii_host)
    return bool(parts.suffix) and bool(parts.domain)


def registrable_domain(host: str) -> str:
    """The name a host's owner registered ("example.com" for "help.example.com"); the host
    itself when it has none (an IP address, "localhost")."""
    ascii_host = to_ascii(host.lower()) or host.lower()
    label, suffix = _registrable(ascii_host)
    return f"{label}.{suffix}" if label and suffix else ascii_host


def _registrable(ascii_host: str) -> tuple[str, str]:
    """(domain label, suffix) of a host: ("binance", "com") for "www.binance.com"."""
    parts = _extractor()(ascii_host)
    return parts.domain, parts.suffix


@dataclass(frozen=True)
class _Official:
    host: str  # ASCII, e.g. "kefu-exchange.com"
    label: str  # "kefu-exchange"
    skeleton: str


@cache
def _officials(domains: tuple[str, ...]) -> tuple[_Official, ...]:
    officials = []
    for domain in domains:
        host = _host_of(domain.strip())
        ascii_host = to_ascii(host) if host else None
        if not ascii_host:
            continue
        if ascii_host.startswith("www."):
            ascii_host = ascii_host[4:]
        label, _ = _registrable(ascii_host)
        if label:
            officials.append(_Official(ascii_host, label, skeleton(label)))
    return tuple(officials)


# --- judging --------------------------------------------------------------------------------


def _judge(ascii_host: str, officials: tuple[_Official, ...]) -> tuple[str, str | None] | None:
    if _is_official(ascii_host, officials) or _is_explorer(ascii_host):
        return None
    label, _ = _registrable(ascii_host)
    unicode_label = to_unicode(label)
    for official in officials:
        if _contains_official_name(ascii_host, label, official):
            return OFFICIAL_NAME_IN_OTHER_DOMAIN, official.host
        if unicode_label != label or not label.isascii():
            if skeleton(unicode_label) == official.skeleton or near(
                skeleton(unicode_label), official.skeleton
            ):
                reason = HOMOGLYPH if _has_confusables(unicode_label) else PUNYCODE
                return reason, official.host
        elif label == official.label or near(label, official.label):
            return LOOKALIKE_EDIT_DISTANCE, official.host
        elif skeleton(label) == official.skeleton:
            # ASCII-only look-alikes: "0" for "o", "rn" for "m", "vv" for "w".
            return HOMOGLYPH, official.host
    if label.startswith("xn--") or not label.isascii():
        # An IDN written in punycode imitates something even when we cannot say what.
        return PUNYCODE, None
    return None


def _is_official(ascii_host: str, officials: tuple[_Official, ...]) -> bool:
    return any(
        ascii_host == official.host or ascii_host.endswith("." + official.host)
        for official in officials
    )


def _is_explorer(ascii_host: str) -> bool:
    return any(
        ascii_host == explorer or ascii_host.endswith("." + explorer)
        for explorer in BLOCK_EXPLORERS
    )


def _contains_official_name(ascii_host: str, label: str, official: _Official) -> bool:
    """The official host or name inside another domain: "binance.com-login.net" and
    "kefu-exchange.com.login-verify.io", or "binance-support.com"."""
    if official.host in ascii_host:
        return True
    pieces = re.split(r"[.-]", ascii_host)
    official_pieces = official.label.split("-")
    if len(official_pieces) == 1:
        # A single-word name must stand as a whole piece ("binance-support"), not inside
        # another word, and be long enough not to occur by chance ("ok" in "okay").
        return len(official.label) >= 4 and official.label in pieces
    return official.label in label or official.label in ascii_host


def near(label: str, official: str) -> bool:
    """One edit away (two for long names): "binnance", "biance", "bniance"."""
    if label == official:
        return True
    allowed = 1 if len(official) <= 8 else 2
    if len(official) <= 3:
        # "okx" is one letter from "ok", "box" and countless words: only swaps and
        # substitutions of the same length count, and never for two-letter names.
        return len(label) == len(official) and _distance(label, official) <= 1
    if abs(len(label) - len(official)) > allowed:
        return False
    return _distance(label, official) <= allowed


def _distance(left: str, right: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swaps of neighbours)."""
    previous_previous: list[int] = []
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, right_char in enumerate(right, 1):
            cost = 0 if left_char == right_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                i > 1
                and j > 1
                and left_char == right[j - 2]
                and left[i - 2] == right_char
                and previous_previous
            ):
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


_ASCII_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("3", "e"), ("5", "s"))


def skeleton(label: str) -> str:
    """What a label looks like: confusable letters mapped to Latin, accents dropped."""
    mapped = []
    for char in label:
        if char.isascii():
            mapped.append(char)
            continue
        latin = _latin_lookalike(char)
        if latin is not None:
            mapped.append(latin)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        mapped.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    result = "".join(mapped).lower().replace("i", "l")
    for lookalike, letter in _ASCII_LOOKALIKES:
        result = result.replace(lookalike, letter.replace("i", "l"))
    return result


@cache
def _latin_lookalike(char: str) -> str | None:
    for homoglyph in confusables.confusables_data.get(char, ()):
        candidate = homoglyph["c"]
        if len(candidate) == 1 and candidate.isascii() and candidate.isalnum():
            return str(candidate).lower()
    return None


def _has_confusables(label: str) -> bool:
    if confusables.is_mixed_script(label):
        return True
    return bool(confusables.is_confusable(label, preferred_aliases=["latin"]))
