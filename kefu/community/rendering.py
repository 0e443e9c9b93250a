"""A post's Markdown → the HTML its page shows, safe whoever wrote it.

Posts are written by anyone with a portal sign-in, so the rendering trusts nothing:
raw HTML in the Markdown is not parsed (markdown-it with `html` off shows it as text),
and the result still passes nh3 with a short list of tags, as a second wall should the
Markdown renderer ever let something through. Links keep only web and mail targets,
judged as the browser reads them (kefu.conversations.html.link_target), and carry
rel="nofollow ugc noopener noreferrer": a forum link is no endorsement and gets no
window handle back. Images are not rendered at all: a Markdown image pointing elsewhere
would tell that server who reads the page; a post's own pictures are its PostFiles,
which the page shows from this site.
"""

from functools import cache

import nh3
from markdown_it import MarkdownIt

from kefu.conversations.html import link_target

_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul", "del",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}
_LINK_REL = "nofollow ugc noopener noreferrer"


@cache
def _markdown() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})
    # An image becomes its alt text: the page never loads a picture from another server.
    markdown.disable("image")
    return markdown.enable(["table", "strikethrough"])


def _checked(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return link_target(value)
    return value


def to_html(body: str) -> str:
    """The sanitized HTML of a post's Markdown body."""
    return nh3.clean(
        _markdown().render(body),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=_LINK_REL,
        attribute_filter=_checked,
    )
