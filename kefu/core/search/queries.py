"""What every search box accepts: a few words, not nothing and not a page of text."""

import re

from django.utils.translation import gettext as _

from kefu.core.errors import KefuError

MAX_QUERY_LENGTH = 200
_SEARCHABLE = re.compile(r"\w")


class QueryError(KefuError):
    """A query that cannot be searched; the message is for the person who typed it."""

    code = "invalid_query"


def clean_query(query: str, max_length: int = MAX_QUERY_LENGTH) -> str:
    """The query with its spacing collapsed, or QueryError saying what to change."""
    text = " ".join(query.split())
    if not _SEARCHABLE.search(text):
        raise QueryError(_("Type a few words to search for."))
    if len(text) > max_length:
        raise QueryError(
            _("A search can be at most %(limit)d characters long.") % {"limit": max_length}
        )
    return text
