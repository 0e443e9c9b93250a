"""HTML that customers send, made safe to show agents.

Every URL is judged the way the browser will read it, not as it is spelt: browsers
drop leading and trailing control characters and spaces, remove tabs and newlines
anywhere, take any letter case in a scheme, treat backslashes as slashes and read
"//host" as "another host, same scheme" (WHATWG URL standard). A filter that compares
the raw text with "http:" lets ` HTTP://`, `//host` and `\\\\host` through, and the
agent's browser fetches them: a tracking beacon and an exfiltration channel. So the
value is normalized first, then allowed or dropped, and what survives is written back
in the canonical form that was checked.
"""

import re

import nh3
from ada_url import URL

# Formatting an email or rich chat message needs; no scripts, styles, forms or frames.
_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}

# Links may go to the web or open a mail client; never run script or render a document
# built from the link itself (javascript:, vbscript:, data:text/html).
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Images only from the message itself: its parts (cid:) or raster data. SVG is a
# document that can carry script and fetch other resources, so it is not an image here.
_RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})

_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_OTHER_HOST = re.compile(r"[/\\]{2}")  # "//host", "\\host", "/\host": a special base's host
_ASCII_WHITESPACE = " \t\n\f\r"


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={*_LINK_SCHEMES, "cid", "data"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_checked_url,
    )


def _checked_url(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return link_target(value)
    if tag == "img" and attribute == "src":
        return inline_image(value)
    return value


def link_target(value: str) -> str | None:
    """The canonical target of a link that may stay, or None to drop the href."""
    url = _as_parsed(value)
    if not url:
        return None
    scheme = _scheme(url)
    if scheme is None:
        if not _OTHER_HOST.match(url):
            # A path on this site (help articles link to /portal/verify/). Browsers read
            # a backslash in it as a slash; writing it so leaves nothing to reinterpret.
            return url.replace("\\", "/")
        # Another host on the page's own scheme, which is http or https.
        url, scheme = "https:" + url, "https"
    return _canonical(url) if scheme in _LINK_SCHEMES else None


def inline_image(value: str) -> str | None:
    """The canonical source of an image that makes no request, or None to drop it."""
    url = _as_parsed(value)
    scheme = _scheme(url)
    if scheme == "cid" or (scheme == "data" and _data_type(url) in _RASTER_TYPES):
        return _canonical(url)
    return None


def _as_parsed(value: str) -> str:
    # The first two steps of the WHATWG URL parser. Entities (&#104;, &colon;) were
    # already decoded by the HTML parser, as in the browser.
    return _TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE))


def _scheme(url: str) -> str | None:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def _data_type(url: str) -> str:
    header, comma, _ = url.partition(",")
    if not comma:
        return ""
    return header.split(":", 1)[1].split(";", 1)[0].strip(_ASCII_WHITESPACE).lower()


def _canonical(url: str) -> str | None:
    try:
        return URL(url).href
    except ValueError:
        return None
