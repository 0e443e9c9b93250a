"""The REST API: `api` is mounted at /api/ (docs at /api/docs, schema at /api/openapi.json)."""

from typing import Any

from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from kefu.api import errors
from kefu.api.auth import TokenAuth
from kefu.api.parser import StrictParser
from kefu.api.routers import canned, contacts, conversations, helpcenter, verification, verify
from kefu.helpcenter.flows import api as flows_api

DESCRIPTION = """
Kefu's REST API for integrations: an app or website back end that opens conversations
for its users, posts their messages, and reads or works the conversations.

**Authentication.** Every endpoint but the public `GET /api/v1/verify`,
`GET /api/v1/help/search` and the guided flows under `/api/v1/help/flows` needs
`Authorization: Bearer kefu_…`, a token an administrator creates. The request acts as
the token's agent (replies, notes, status, assignment with that agent's role) and
customer messages enter the token's inbox.

**Errors** are JSON, `{"error": {"code": "…", "message": "…"}}`, with a stable `code`
(`unauthorized`, `validation_error` with `fields`, `malformed_json`, `malformed_body`,
`forbidden`, `not_found`, `invalid_status_transition`, `outbound_blocked` with `reasons`,
`attachment_rejected`, `unsupported_media_type`, `request_too_large`, `message_rejected`,
`case_refused`, `throttled`). `message` follows `Accept-Language` (zh-Hans, zh-Hant, en).
Text holding U+0000 is refused in any field (field code `null_character`), and a query or
form field given twice (field code `repeated`).
"""


class KefuAPI(NinjaAPI):
    _schemas: dict[str, OpenAPISchema]

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        # Building the schema walks every operation and model (about 0.2 s of CPU); it only
        # changes with the code, so each process builds it once per mount point.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cache = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in cache:
            cache[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return cache[path_prefix]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name ("create_conversation"), not ninja's module-qualified default:
        # client generators turn operation ids into method names.
        return operation.view_func.__name__


api = KefuAPI(
    title="Kefu API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    parser=StrictParser(),
    # validatorUrl: Swagger UI would otherwise load a badge from validator.swagger.io;
    # the docs must work offline and call nothing outside this server.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("/v1/conversations", conversations.router)
# Cases sit under their conversation and under /v1/verification-cases: paths from /v1.
api.add_router("/v1", verification.router)
api.add_router("/v1/contacts", contacts.router)
api.add_router("/v1/canned-replies", canned.router)
api.add_router("/v1/verify", verify.router)
api.add_router("/v1/help", helpcenter.router)
api.add_router("/v1/help/flows", flows_api.router)
