"""/api/v1/help/search: the help center's search for the chat widget and the portal.

Public like the help pages themselves; rate-limited per IP, with room for
search-as-you-type (one request per pause in typing).
"""

from typing import Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kefu.core import throttle
from kefu.core.input_schemas import InputSchema
from kefu.core.languages import from_django
from kefu.helpcenter.search.query import MAX_QUERY_LENGTH, search

router = Router(tags=["help center"])

SEARCHES_PER_IP = throttle.Limit("api-help-search-ip", attempts=300, window_seconds=5 * 60)


class SearchQuery(InputSchema):
    q: str
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
    response={200: SearchOut},
    summary="Search the help center",
    description=(
        "Published articles matching `q` (Chinese or English; synonyms, traditional/"
        f"simplified script and typos are understood; at most {MAX_QUERY_LENGTH} characters),"
        " best first, one per article, in `language` when the article has it (default: from "
        "`Accept-Language`). An empty or too long `q` is a 400 `invalid_query`. No token "
        "needed; at most 300 searches per 5 minutes per IP (then 429 `throttled`)."
    ),
)
def help_search(request: HttpRequest, query: Query[SearchQuery]) -> SearchOut:
    if not throttle.hit(SEARCHES_PER_IP, throttle.client_address(request)):
        raise HttpError(429, "throttled")
    language = query.language or from_django(translation.get_language() or "zh-hans")
    results = search(query.q, language, limit=query.limit)
    return SearchOut(
        results=[
            SearchResultOut(slug=r.slug, title=r.title, snippet=str(r.snippet), url=r.url)
            for r in results
        ]
    )
