"""The default help center shipped with Kefu: Markdown files under `content/`.

Each file starts with a small header of `key: value` lines and a `---` line, then the
Markdown body. `categories.json` names the categories in the three languages. The same
content feeds `kefu demo`, `kefu helpcenter import` and, when no database is available,
the suggested articles of `kefu triage`.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kefu.core.intents import Intent
from kefu.core.languages import Language

CONTENT_DIR = Path(__file__).resolve().parent / "content"
_REQUIRED = ("slug", "intent", "category", "title", "language")


class ContentError(ValueError):
    """A bundled or imported content file is malformed; the message names the file."""


@dataclass(frozen=True)
class BundledCategory:
    slug: str
    position: int
    names: dict[str, str]


@dataclass(frozen=True)
class BundledArticle:
    slug: str
    intent: str
    category: str
    language: str
    title: str
    body: str
    position: int
    related: tuple[str, ...]


def parse_article(text: str, *, source: str) -> BundledArticle:
    header, separator, body = text.partition("\n---\n")
    if not separator:
        raise ContentError(f"{source}: no '---' line after the header")
    fields: dict[str, str] = {}
    for line in header.splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ContentError(f"{source}: header line without ':': {line!r}")
        fields[key.strip()] = value.strip()
    missing = [key for key in _REQUIRED if not fields.get(key)]
    if missing:
        raise ContentError(f"{source}: header lacks {', '.join(missing)}")
    if fields["intent"] not in Intent.values:
        raise ContentError(f"{source}: unknown intent {fields['intent']!r}")
    if fields["language"] not in Language.values:
        raise ContentError(f"{source}: unknown language {fields['language']!r}")
    related = tuple(slug.strip() for slug in fields.get("related", "").split(",") if slug.strip())
    return BundledArticle(
        slug=fields["slug"],
        intent=fields["intent"],
        category=fields["category"],
        language=fields["language"],
        title=fields["title"],
        body=body.strip() + "\n",
        position=int(fields.get("position", "0")),
        related=related,
    )


@cache
def categories() -> tuple[BundledCategory, ...]:
    raw = json.loads((CONTENT_DIR / "categories.json").read_text(encoding="utf-8"))
    return tuple(
        BundledCategory(slug=item["slug"], position=position, names=item["names"])
        for position, item in enumerate(raw)
    )


@cache
def articles() -> tuple[BundledArticle, ...]:
    return tuple(
        parse_article(path.read_text(encoding="utf-8"), source=str(path.relative_to(CONTENT_DIR)))
        for path in sorted(CONTENT_DIR.glob("*/*.md"))
    )
