"""/api/v1/help/flows: guided flows for the chat widget, the same runs the portal pages use.

Public like the help pages (a widget visitor has no token), rate-limited per IP. A run
started by a signed-in portal customer shows their platform records and is not reachable
here; API runs are anonymous and hand off with an email address.
"""

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.params import functions as params

from kefu.core import throttle
from kefu.core.api_schemas import Email, InputSchema, error_responses
from kefu.core.languages import from_django, to_django
from kefu.helpcenter.flows import actions, selectors
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.helpcenter.flows.engine import awaiting_handoff, flow_for, run_view
from kefu.helpcenter.flows.models import FlowRun

router = Router(tags=["guided flows"])

CALLS_PER_IP = throttle.Limit("api-help-flows-ip", attempts=300, window_seconds=5 * 60)
Language = Literal["", "zh-Hans", "zh-Hant", "en"]


class FlowOut(Schema):
    intent: str
    title: str


class ChoiceOut(Schema):
    value: str
    label: str


class StepOut(Schema):
    id: str
    kind: Literal["info", "ask", "end"]
    text: str
    choices: list[ChoiceOut]
    field: str
    validator: str
    optional: bool


class RunOut(Schema):
    token: str
    intent: str
    title: str
    step: StepOut
    outcome: Literal["in_progress", "solved", "handoff"]
    needs_email: bool
    conversation: str | None


class StartIn(InputSchema):
    language: Language = ""


class AnswerIn(InputSchema):
    value: str = Field(
        max_length=2000,
        description="A choice's `value`, or the typed answer; what the current step takes is "
        "in `step` (`choices`, `validator`, `optional`). An answer it cannot take is a 422 "
        "`invalid_flow_input` whose message says what is expected.",
        examples=["W-1042"],
    )


class HandOffIn(InputSchema):
    email: Email = Field(examples=["li@example.com"])


RunToken = Annotated[str, params.Path(examples=["3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"])]
FlowIntent = Annotated[str, params.Path(examples=["withdrawal_delayed"])]


def _throttle(request: HttpRequest) -> None:
    if not throttle.hit(CALLS_PER_IP, throttle.client_address(request)):
        raise HttpError(429, "throttled")


def _out(run: FlowRun) -> RunOut:
    flow = flow_for(run.intent)
    with translation.override(to_django(run.language)):
        step = run_view(run)
        choices = [ChoiceOut(value=c.value, label=str(c.label)) for c in step.choices]
        title = str(flow.title)
    return RunOut(
        token=str(run.token),
        intent=run.intent,
        title=title,
        step=StepOut(
            id=step.id,
            kind=step.kind.value,  # type: ignore[arg-type]
            text=step.text,
            choices=choices,
            field=step.field,
            validator=step.validator,
            optional=step.optional,
        ),
        outcome=run.outcome,  # type: ignore[arg-type]
        needs_email=awaiting_handoff(run),
        conversation=run.conversation.reference if run.conversation is not None else None,
    )


@router.get(
    "",
    auth=None,
    response={200: list[FlowOut], **error_responses(429)},
    summary="List the guided flows",
)
def list_flows(request: HttpRequest) -> list[FlowOut]:
    _throttle(request)
    return [FlowOut(intent=intent, title=str(flow.title)) for intent, flow in FLOWS.items()]


@router.post(
    "/{intent}/runs",
    auth=None,
    response={201: RunOut, **error_responses(400, 404, 422, 429)},
    summary="Start a guided flow",
    description="`intent` is one of the ids `GET /api/v1/help/flows` lists (404 otherwise).",
)
def start_run(request: HttpRequest, intent: FlowIntent, body: StartIn) -> Status[RunOut]:
    _throttle(request)
    language = body.language or from_django(translation.get_language() or "zh-hans")
    return Status(201, _out(actions.start_flow(intent=intent, language=language)))


@router.get(
    "/runs/{token}",
    auth=None,
    response={200: RunOut, **error_responses(404, 429)},
    summary="The current step of a run",
)
def get_run(request: HttpRequest, token: RunToken) -> RunOut:
    _throttle(request)
    return _out(selectors.anonymous_run_by_token(token))


@router.post(
    "/runs/{token}/answer",
    auth=None,
    response={200: RunOut, **error_responses(400, 404, 409, 422, 429)},
    summary="Answer the step",
    description="409 `invalid_status_transition` once the run has ended.",
)
def answer(request: HttpRequest, token: RunToken, body: AnswerIn) -> RunOut:
    _throttle(request)
    run = selectors.anonymous_run_by_token(token)
    return _out(actions.answer_step(run=run, value=body.value))


@router.post(
    "/runs/{token}/handoff",
    auth=None,
    response={200: RunOut, **error_responses(400, 404, 409, 422, 429)},
    summary="Hand the run to an agent",
    description="Only at the hand-off step (`needs_email`): before it, or once the run has "
    "ended, 409 `invalid_status_transition`.",
)
def hand_off(request: HttpRequest, token: RunToken, body: HandOffIn) -> RunOut:
    _throttle(request)
    run = selectors.anonymous_run_by_token(token)
    actions.hand_off(run=run, email=body.email)
    return _out(run)
