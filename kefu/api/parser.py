"""How the API reads query strings and form fields.

A one-value field given several times reaches the schema as Repeated, which refuses it
(422 `repeated`). A query parameter the operation does not declare is refused too (422
`unknown_field`), as an unknown body field is: ninja would drop it silently, and an
integration that misspells `status` should hear about it at once instead of getting every
conversation back.
"""

import re
from functools import cache

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from kefu.core.api_schemas import Repeated

# Django's route "api/v1/conversations/<reference>" is OpenAPI's
# "/api/v1/conversations/{reference}".
_ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@cache
def _declared_query(route: str, method: str) -> frozenset[str]:
    """The query parameters /api/openapi.json declares for one operation."""
    from kefu.api.routers import api  # the parser is built before the API it serves

    path = "/" + _ROUTE_PARAMETER.sub(r"{\1}", route)
    operation = api.get_openapi_schema()["paths"].get(path, {}).get(method.lower(), {})
    return frozenset(
        parameter["name"]
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query"
    )


class StrictParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        if data is request.GET and request.resolver_match is not None:
            declared = _declared_query(request.resolver_match.route, request.method or "GET")
            unknown = [key for key in data if key not in declared]
            if unknown:
                raise ValidationError(
                    [
                        {"type": "extra_forbidden", "loc": ("query", key), "msg": "unknown"}
                        for key in unknown
                    ]
                )
        result: DictStrAny = {}
        for key in data:
            values = data.getlist(key)
            if key in list_fields:
                result[key] = values
            else:
                result[key] = values[0] if len(values) == 1 else Repeated(values)
        return result
