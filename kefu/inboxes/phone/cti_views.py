"""The CTI endpoint: parse the request, hand it to cti.receive, answer in JSON."""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kefu.core.errors import KefuError
from kefu.inboxes.phone import cti
from kefu.inboxes.phone.models import PhoneLine

# Where a PBX that cannot put the token in the path sends it instead.
TOKEN_HEADER = "X-CTI-Token"


@csrf_exempt  # a PBX has no CSRF token; the shared token is the credential
@require_POST
def event(request: HttpRequest, line_id: int, token: str = "") -> JsonResponse:
    line = PhoneLine.objects.filter(pk=line_id, inbox__is_active=True).first()
    if line is None:
        raise Http404("no such phone line")
    content_type = request.content_type or ""
    as_json = content_type.startswith("application/json")
    try:
        call = cti.receive(
            line,
            token or request.headers.get(TOKEN_HEADER, ""),
            content_type,
            request.body if as_json else b"",
            {} if as_json else {key: request.POST.getlist(key) for key in request.POST},
        )
    except KefuError as error:
        return JsonResponse({"code": error.code, "message": error.message}, status=error.status)
    if call is None:
        return JsonResponse({"repeated": True})
    return JsonResponse({"call": call.pk, "status": call.status})
