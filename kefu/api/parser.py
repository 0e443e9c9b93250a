"""How the API reads query strings and form fields: a one-value field given several times
reaches the schema as Repeated, which refuses it (422 `repeated`)."""

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser
from ninja.types import DictStrAny

from kefu.core.api_schemas import Repeated


class StrictParser(Parser):
    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        result: DictStrAny = {}
        for key in data:
            values = data.getlist(key)
            if key in list_fields:
                result[key] = values
            else:
                result[key] = values[0] if len(values) == 1 else Repeated(values)
        return result
