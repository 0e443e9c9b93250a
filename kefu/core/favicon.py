"""`/favicon.ico`: browsers ask for it on every site whatever the page says, and a 404
there fills the logs and the browser console."""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest
from django.views.decorators.http import require_safe

from kefu.core.file_responses import FileStream

ICON = "kefu/favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> FileStream:
    found = finders.find(ICON)
    if not isinstance(found, str):
        raise Http404(ICON)
    response = FileStream(open(found, "rb"), content_type="image/vnd.microsoft.icon")  # noqa: SIM115 (closed by the response)
    response["Cache-Control"] = "public, max-age=86400"
    return response
