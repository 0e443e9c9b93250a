"""HTML that customers send, made safe to show agents."""

import nh3

# Formatting an email or rich chat message needs; no scripts, styles, forms or frames.
_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def sanitize(html: str) -> str:
    # Remote images are tracking beacons and an exfiltration channel; only inline
    # (cid:/data:) images survive, everything else the browser would fetch is dropped.
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid", "data"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_drop_remote_images,
    )


def _drop_remote_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and value.startswith(("http:", "https:")):
        return None
    return value
