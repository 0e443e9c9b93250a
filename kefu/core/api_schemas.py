"""The parts of the API's schema every router shares: the base of input schemas (bodies,
query strings, multipart fields), the email type, and the error object.

They live in core because two apps mount operations on the API, the API's own routers and
the guided flows (helpcenter), and neither may import the other.
"""

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from kefu.core.null_characters import contains_nul


class Repeated(list[str]):
    """The values of a query or form field that takes one value but was given several."""


class InputSchema(Schema):
    """Refuses unknown fields, text holding U+0000 and a one-value field given several
    times, for every field of every subclass.

    Unknown fields: an integration that misspells `intent` should hear about it at once
    instead of silently opening conversations without one. U+0000: PostgreSQL cannot store
    it, and an API caller can send the text again without it.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _one_value_without_null_characters(cls, value: Any) -> Any:
        if isinstance(value, Repeated):
            # Picking one of the values would act on what the caller may not have meant.
            raise PydanticCustomError("repeated", "The field was given more than once.")
        # A nested object is checked by its own schema, which names the field inside it.
        if not isinstance(value, dict) and contains_nul(value):
            raise PydanticCustomError("null_character", "The text holds a null character.")
        return value


def _email(value: str) -> str:
    # Django's check, as the portal, the chat and the guided flows use for an address.
    try:
        validate_email(value)
    except ValidationError:
        raise PydanticCustomError("invalid", "Not an email address.") from None
    return value


Email = Annotated[
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)
]


class FieldErrorOut(Schema):
    field: str = Field(examples=["text"])
    code: str = Field(examples=["missing"])
    message: str


class ErrorBody(Schema):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["Conversation K-000999 was not found."])
    fields: list[FieldErrorOut] | None = Field(None, description="Only for validation_error.")
    reasons: list[str] | None = Field(None, description="Only for outbound_blocked.")
    missed_message_ids: list[int] | None = Field(
        None,
        description=(
            "Only for conversation_changed: the replies sent since `seen_message_id`, oldest "
            "first. Read them; to send anyway, send again with the last one as seen."
        ),
    )


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*codes: int) -> dict[int, Any]:
    return dict.fromkeys(codes, ErrorOut)
