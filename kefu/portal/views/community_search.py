"""/community/similar/: questions like the one a customer is typing into the ask form.

Read by community-similar.js as the title is typed (after a pause); the ask form works
without it. Public and anonymous like the help center's search, so limited per address
the same way (a cheap request, counted in the cache).
"""

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from kefu.community.search.query import SIMILAR_HEADING, TOO_MANY_SEARCHES, similar
from kefu.core import throttle
from kefu.core.languages import from_django
from kefu.core.search.queries import QueryError

SIMILAR_LIMIT = 5
SIMILAR_PER_IP = throttle.Limit("community-similar-ip", attempts=300, window_seconds=5 * 60)


@require_safe
def similar_questions(request: HttpRequest) -> JsonResponse:
    """{"heading": …, "results": [{"title", "url", "language", "label"}]}; a title with
    nothing to search for finds nothing rather than an error: it is still being typed."""
    if not throttle.hit(SIMILAR_PER_IP, throttle.client_address(request)):
        return JsonResponse(
            {"error": str(TOO_MANY_SEARCHES), "results": []},
            status=429,
        )
    language = from_django(translation.get_language() or "zh-hans")
    try:
        results = similar(request.GET.get("q", ""), language, limit=SIMILAR_LIMIT)
    except QueryError:
        results = []
    return JsonResponse(
        {
            "heading": str(SIMILAR_HEADING),
            "results": [
                {
                    "title": result.title,
                    "url": result.url,
                    "language": result.language,
                    "label": result.label,
                }
                for result in results
            ],
        }
    )
