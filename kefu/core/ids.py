"""Ids from URLs, query strings, forms and frames: ASCII digits within the database's range.

`str.isdigit()` is true for "²", "١٢" and "１２" (and `int()` then fails on the first), and
`int()` also takes " 12", "+12" and "1_000"; a number past the 64-bit range overflows
SQLite's INTEGER before the query runs. So every id from outside is read here, and what
is not exactly an id is `None`, which the caller answers as "not found".
"""

import re

# PostgreSQL's bigint and SQLite's INTEGER: the primary keys of every table.
MAX_ID = 2**63 - 1
# Leading zeros are fine (K-000123); more than 19 digits cannot be an id.
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(raw: object) -> int | None:
    """A positive id from a string of ASCII digits or a JSON integer; anything else is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _ID.fullmatch(raw):
        value = int(raw)
    else:
        return None
    return value if 1 <= value <= MAX_ID else None


def parse_count(raw: object) -> int | None:
    """A sequence number or count from a JSON frame: an integer from 0 to MAX_ID, else None."""
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= MAX_ID:
        return raw
    return None


class IdConverter:
    """`<id:name>` in URL patterns: Django's `<int:…>` matches any length and overflows."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # the pattern does not match: 404
        return parsed

    def to_url(self, value: int) -> str:
        return str(value)
