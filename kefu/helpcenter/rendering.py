"""Article Markdown → sanitized HTML for the pages, and → plain text for search."""

from dataclasses import dataclass
from functools import cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from kefu.conversations.html import sanitize


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML in an article is not needed and would be one more thing to sanitize.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def to_html(body: str) -> str:
    return sanitize(_markdown().render(body))


BlockKind = Literal["heading", "lead", "text"]


@dataclass(frozen=True)
class Block:
    """One paragraph, list item, table cell or heading of an article, as plain text.

    Search weighs them differently: the lead (the text before the first heading) and the
    headings say what the article is about; the rest is detail.
    """

    kind: BlockKind
    text: str


def to_blocks(body: str) -> list[Block]:
    blocks = []
    heading_open = seen_heading = False
    for token in _markdown().parse(body):
        if token.type == "heading_open":
            heading_open = seen_heading = True
        elif token.type == "heading_close":
            heading_open = False
        elif token.type == "inline" and token.children:
            text = "".join(_inline_text(child) for child in token.children).strip()
            if text:
                kind: BlockKind = "heading" if heading_open else "text" if seen_heading else "lead"
                blocks.append(Block(kind, text))
    return blocks


def to_plain(body: str) -> str:
    """The words a reader sees, one block per line, without Markdown syntax."""
    return "\n".join(block.text for block in to_blocks(body))


def _inline_text(token: Token) -> str:
    if token.type in {"softbreak", "hardbreak"}:
        return " "
    return token.content if token.type in {"text", "code_inline"} else ""
