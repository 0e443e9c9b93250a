"""The base of every API input schema (bodies, query strings, multipart fields).

It lives in core because two apps mount operations on the API: the API's own routers and
the guided flows (helpcenter), and neither may import the other.
"""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from kefu.core.null_characters import contains_nul


class InputSchema(Schema):
    """Refuses unknown fields and text holding U+0000, for every field of every subclass.

    Unknown fields: an integration that misspells `intent` should hear about it at once
    instead of silently opening conversations without one. U+0000: PostgreSQL cannot store
    it, and an API caller can send the text again without it.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_character(cls, value: Any) -> Any:
        # A nested object is checked by its own schema, which names the field inside it.
        if not isinstance(value, dict) and contains_nul(value):
            raise PydanticCustomError("null_character", "The text holds a null character.")
        return value
