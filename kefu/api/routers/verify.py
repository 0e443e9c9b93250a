"""/api/v1/verify: “is this official?”, public like the portal page it mirrors.

Apps, bots and browser extensions ask it on the customer's behalf, so it needs no token;
it is rate-limited per IP instead, like the page.
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from kefu.core import throttle
from kefu.core.api_schemas import InputSchema, error_responses
from kefu.safety.verification import verify as look_up

router = Router(tags=["verification"])

LOOKUPS_PER_IP = throttle.Limit("api-verify-ip", attempts=60, window_seconds=15 * 60)


class VerifyQuery(InputSchema):
    q: str = Field(max_length=500, examples=["KF-7Q2M9A"])
    kind: Literal[
        "",
        "agent",
        "phone",
        "email",
        "domain",
        "telegram",
        "x",
        "wechat",
        "facebook",
        "whatsapp",
        "weibo",
    ] = ""


class VerificationOut(Schema):
    verdict: Literal["official", "not_official", "unknown"]
    kind: str
    value: str
    label: str
    imitates: str


@router.get(
    "",
    auth=None,
    response={200: VerificationOut, **error_responses(422, 429)},
    summary="Is this phone number, email, link, handle or agent id official?",
    description=(
        "`official`: in the registry (for an agent id: an active agent, `label` is their "
        "display name). `not_official`: imitates an official value (`imitates`) or is an agent "
        "id that does not exist. `unknown`: not in the registry — treat it as not official. "
        "No token needed; at most 60 look-ups per 15 minutes per IP (then 429 `throttled`)."
    ),
)
def verify(request: HttpRequest, query: Query[VerifyQuery]) -> VerificationOut:
    if not throttle.hit(LOOKUPS_PER_IP, throttle.client_address(request)):
        raise HttpError(429, "throttled")
    result = look_up(query.q, query.kind)
    return VerificationOut(
        verdict=result.verdict.value,
        kind=result.kind,
        value=result.value,
        label=result.label,
        imitates=result.imitates,
    )
