"""Every refusal of the API as `{"error": {"code", "message", ...}}` with a stable code.

Integrations branch on `code` (documented in docs/api.md); `message` is for people and
follows Accept-Language. This is the only place that turns exceptions into responses.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kefu.core.errors import ConversationChanged, KefuError
from kefu.verification.actions import CaseRefused

logger = logging.getLogger(__name__)


# Pydantic's error types (and the custom ones raised in schemas.py) -> the field codes the
# API documents. Pydantic renames its types between versions; these codes stay.
_FIELD_CODES = {
    "missing": "missing",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "enum": "invalid_choice",
    "literal_error": "invalid_choice",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "extra_forbidden": "unknown_field",
    "blank": "blank",
    "missing_identity": "missing_identity",
    "string_pattern_mismatch": "invalid",
    "invalid": "invalid",
    "invalid_id": "invalid",
    "null_character": "null_character",
    "repeated": "repeated",
}


def field_code(error_type: str) -> str:
    if error_type in _FIELD_CODES:
        return _FIELD_CODES[error_type]
    if error_type.endswith(("_type", "_parsing")):
        return "invalid_type"
    return "invalid"


def field_message(code: str, error: dict[str, Any]) -> str:
    context = error.get("ctx") or {}
    if code == "missing":
        return _("This field is required.")
    if code == "too_long" and error["type"] == "too_long":
        return _("Too many items: at most %(limit)s.") % {"limit": context.get("max_length")}
    if code == "too_long":
        return _("Too long: at most %(limit)s characters.") % {"limit": context.get("max_length")}
    if code == "too_short":
        return _("Too short: at least %(limit)s characters.") % {"limit": context.get("min_length")}
    if code == "invalid_choice":
        # Pydantic words the list in English ("'a', 'b' or 'c'"); only the values are kept.
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return _("Not one of the allowed values: %(choices)s.") % {"choices": ", ".join(choices)}
    if code == "out_of_range":
        for key in ("ge", "gt"):
            if key in context:
                return _("Must be at least %(limit)s.") % {"limit": context[key]}
        return _("Must be at most %(limit)s.") % {"limit": context.get("le", context.get("lt"))}
    if code == "unknown_field":
        return _("This field is not part of the request.")
    if code == "blank":
        return _("This text is blank.")
    if code == "missing_identity":
        return _("Give at least one of email, phone or platform_user_id.")
    if code == "null_character":
        return _(
            "This text contains a null character (U+0000), which cannot be stored. "
            "Remove it and send the request again."
        )
    if code == "repeated":
        return _("This parameter was given more than once.")
    if code == "invalid_type":
        return _("This value has the wrong type.")
    return _("This value is not valid.")


# Where each kind of parameter's name sits in pydantic's location: a body is validated as
# {param_name: body}, so its first element is the view's argument name, not a field.
_SKIP_PARAM_NAME = {"body"}


def field_path(location: tuple[Any, ...]) -> str:
    source, *rest = location or ("",)
    if source in _SKIP_PARAM_NAME and rest:
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


def fields_of(exc: ValidationError) -> list[dict[str, str]]:
    fields = []
    for error in exc.errors:
        code = field_code(str(error.get("type", "")))
        fields.append(
            {
                "field": field_path(tuple(error.get("loc", ()))),
                "code": code,
                "message": field_message(code, error),
            }
        )
    return fields


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, **extra}
    return api.create_response(request, {"error": body}, status=status)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (`{"detail": …}` shapes) with ours."""

    def handler(exc_class: type[Exception]) -> Callable[[Callable[..., Any]], Any]:
        return api.exception_handler(exc_class)

    @handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(
            api,
            request,
            422,
            "validation_error",
            _("Some fields are not valid."),
            fields=fields_of(exc),
        )

    @handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api,
            request,
            401,
            "unauthorized",
            _("A valid API token is required: send the header “Authorization: Bearer kefu_…”."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="kefu"'
        return response

    @handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja reports a body it cannot parse as HttpError(400) raised from the parser's
        # ValueError (JSONDecodeError, UnicodeDecodeError): that is the malformed-JSON case.
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
            return error_response(
                api, request, 400, "malformed_json", _("The request body is not valid JSON.")
            )
        if exc.status_code == 429:
            return error_response(
                api, request, 429, "throttled", _("Too many requests. Please slow down.")
            )
        return error_response(api, request, exc.status_code, "bad_request", str(exc))

    @handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, "not_found", _("Not found."))

    @handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("You are not allowed to do this.")
        return error_response(api, request, 403, "forbidden", message)

    @handler(KefuError)
    def _refused(request: HttpRequest, exc: KefuError) -> HttpResponse:
        extra: dict[str, Any] = {}
        reasons = getattr(exc, "reasons", None)
        if reasons is not None:
            extra["reasons"] = list(reasons)
        if isinstance(exc, ConversationChanged):
            extra["missed_message_ids"] = [message.pk for message in exc.replies]
        return error_response(api, request, exc.status, exc.code, exc.message, **extra)

    @handler(CaseRefused)
    def _case_refused(request: HttpRequest, exc: CaseRefused) -> HttpResponse:
        # The case's state or the platform's answer forbids the step now; str() is the
        # translated reason.
        return error_response(api, request, 409, "case_refused", str(exc))

    @handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The client gets a stable shape; the traceback goes to the log, never the body.
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return error_response(
            api, request, 500, "server_error", _("Something went wrong on our side.")
        )
