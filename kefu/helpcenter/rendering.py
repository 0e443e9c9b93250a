"""Article Markdown → sanitized HTML for the pages, and → plain text for search."""

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from kefu.conversations.html import sanitize


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML in an article is not needed and would be one more thing to sanitize.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def to_html(body: str) -> str:
    return sanitize(_markdown().render(body))


def to_plain(body: str) -> str:
    """The words a reader sees, one block per line, without Markdown syntax."""
    lines = []
    for token in _markdown().parse(body):
        if token.type == "inline" and token.children:
            text = "".join(_inline_text(child) for child in token.children)
            if text.strip():
                lines.append(text.strip())
    return "\n".join(lines)


def _inline_text(token: Token) -> str:
    if token.type in {"softbreak", "hardbreak"}:
        return " "
    return token.content if token.type in {"text", "code_inline"} else ""
