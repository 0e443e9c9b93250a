"""Reading a flow definition: which step a run shows and how its text reads."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.helpcenter.flows.steps import Choice, Flow, Kind, Outcome, Step


class _Blanks(dict[str, str]):
    # A placeholder the platform did not fill reads as a dash, never as a crash.
    def __missing__(self, key: str) -> str:
        return "—"


def flow_for(intent: str) -> Flow:
    try:
        return FLOWS[intent]
    except KeyError:
        raise NotFound(_("There is no guided flow for this topic.")) from None


def fill(text: object, collected: Mapping[str, object]) -> str:
    """The step's text in the active language with collected values in place."""
    return str(text) % _Blanks({key: str(value) for key, value in collected.items()})


@dataclass(frozen=True)
class StepView:
    """What a page or the API shows for the current step."""

    id: str
    kind: Kind
    text: str
    choices: tuple[Choice, ...]
    field: str
    validator: str
    optional: bool
    outcome: Outcome | None


def awaiting_handoff(run: FlowRun) -> bool:
    """At the hand-off step and not handed off yet: it waits for a way to reach the customer."""
    step = flow_for(run.intent).steps[run.step]
    return run.outcome == RunOutcome.IN_PROGRESS and step.outcome == Outcome.HANDOFF


def run_view(run: FlowRun) -> StepView:
    """The run's current step as its customer sees it now."""
    return view(flow_for(run.intent), run.step, run.collected, waiting=awaiting_handoff(run))


def view(
    flow: Flow, step_id: str, collected: Mapping[str, object], *, waiting: bool = False
) -> StepView:
    step: Step = flow.steps[step_id]
    text = step.waiting_text if waiting and step.waiting_text else step.text
    return StepView(
        id=step_id,
        kind=step.kind,
        text=fill(text, collected) if text else "",
        choices=step.choices,
        field=step.field,
        validator=step.validator,
        optional=step.optional,
        outcome=step.outcome,
    )
