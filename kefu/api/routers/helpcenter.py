"""/api/v1/help/search: the help center's search for the chat widget and the portal.

Public like the help pages themselves; rate-limited per IP, with room for
search-as-you-type (one request per pause in typing).
"""

from typing import Literal

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kefu.core import throttle
from kefu.core.api_schemas import InputSchema, error_responses
from kefu.core.languages import from_django
from kefu.core.search.queries import MAX_QUERY_LENGTH, QueryError
from kefu.helpcenter.search.query import search

router = Router(tags=["help center"])

SEARCHES_PER_IP = throttle.Limit("api-help-search-ip", attempts=300, window_seconds=5 * 60)


class SearchQuery(InputSchema):
    # The length is checked by the operation, so that it keeps its documented 400.
    q: str = Field(
        examples=["提现没到账"],
        json_schema_extra={"minLength": 1, "maxLength": MAX_QUERY_LENGTH},
    )
    language: Literal["", "zh-Hans", "zh-Hant", "en"] = ""
    limit: int = Field(5, ge=1, le=20)


class SearchResultOut(Schema):
    slug: str
    title: str
    snippet: str = Field(description="Escaped HTML; the matched words are in <mark>.")
    url: str


class SearchOut(Schema):
    results: list[SearchResultOut]


@router.get(
    "/search",
    auth=None,
    url_name="help_search",
    response={200: SearchOut, **error_responses(400, 422, 429)},
    summary="Search the help center",
    description=(
        "Published articles matching `q` (Chinese or English; synonyms, traditional/"
        f"simplified script and typos are understood; 1 to {MAX_QUERY_LENGTH} characters, "
        "else 400 `invalid_query`), best first, one per article, in `language` when the "
        "article has it (default: from `Accept-Language`). A `q` with nothing to search for "
        "(spaces, punctuation) finds nothing. No token needed; at most 300 searches per 5 "
        "minutes per IP (then 429 `throttled`)."
    ),
)
def help_search(request: HttpRequest, query: Query[SearchQuery]) -> SearchOut:
    if not throttle.hit(SEARCHES_PER_IP, throttle.client_address(request)):
        raise HttpError(429, "throttled")
    if not 1 <= len(query.q) <= MAX_QUERY_LENGTH:
        raise QueryError(
            _("Type 1 to %(limit)s characters to search for.") % {"limit": MAX_QUERY_LENGTH}
        )
    language = query.language or from_django(translation.get_language() or "zh-hans")
    try:
        results = search(query.q, language, limit=query.limit)
    except QueryError:
        # Within the length, what search() refuses is a q without a word in it: nothing
        # to find, which is an answer rather than a mistake of the caller.
        results = []
    return SearchOut(
        results=[
            SearchResultOut(slug=r.slug, title=r.title, snippet=str(r.snippet), url=r.url)
            for r in results
        ]
    )
