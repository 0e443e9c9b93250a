"""The vocabulary of guided flows: steps are data, the engine (engine.py) walks them.

A flow is a dict of steps by id, starting at "start". Texts are translated once (English
in code, zh-Hans/zh-Hant in locale/) and may name values collected so far, such as
%(reference)s, which the engine fills in.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise


class Kind(StrEnum):
    INFO = "info"  # show text, the customer picks one of the choices
    ASK = "ask"  # one validated input stored under `field`
    LOOKUP = "lookup"  # ask the platform connector; branch on what it says
    FREEZE = "freeze"  # freeze the customer's account through the connector
    END = "end"  # the run is over: `outcome` says solved or hand-off


class Outcome(StrEnum):
    SOLVED = "solved"
    HANDOFF = "handoff"


class Lookup(StrEnum):
    WITHDRAWAL = "withdrawal"  # by the reference or tx hash in collected["reference"]
    DEPOSIT = "deposit"  # by the tx hash in collected["tx_hash"]
    ACCOUNT = "account"  # the account status


# Branch names of a LOOKUP or FREEZE step besides a transfer status or account state.
NOT_FOUND = "not_found"
UNAVAILABLE = "unavailable"  # no signed-in platform customer, or the back end is down
DONE = "done"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str | Promise
    next: str


@dataclass(frozen=True)
class Step:
    kind: Kind
    text: str | Promise = ""
    # ASK: where the answer goes and how it is checked (validation.VALIDATORS).
    field: str = ""
    validator: str = ""
    optional: bool = False
    next: str = ""
    choices: tuple[Choice, ...] = ()
    # LOOKUP: what to look up; branches by status/state, NOT_FOUND and UNAVAILABLE.
    lookup: Lookup | None = None
    branches: dict[str, str] = dataclasses.field(default_factory=dict)
    outcome: Outcome | None = None
    # END with HANDOFF: what the customer reads while the run waits for a way to answer
    # them (an anonymous visitor's email address); `text` is for once it is handed off.
    waiting_text: str | Promise = ""


@dataclass(frozen=True)
class Flow:
    intent: str
    title: str | Promise
    steps: dict[str, Step]
    start: str = "start"


# --- constructors: a flow is written as these calls, not as pasted Step(...) blocks ---------


def info(text: str | Promise, *choices: Choice, field: str = "") -> Step:
    """Text and the choices that lead on; `field` keeps the chosen value."""
    return Step(Kind.INFO, text, field=field, choices=choices)


def ask(text: str | Promise, *, field: str, validator: str, next: str) -> Step:
    return Step(Kind.ASK, text, field=field, validator=validator, next=next)


def lookup(what: Lookup, branches: Mapping[str, str]) -> Step:
    return Step(Kind.LOOKUP, lookup=what, branches=dict(branches))


def freeze(*, done: str, unavailable: str) -> Step:
    return Step(Kind.FREEZE, branches={DONE: done, UNAVAILABLE: unavailable})


def end(text: str | Promise, outcome: Outcome, *, waiting_text: str | Promise = "") -> Step:
    return Step(Kind.END, text, outcome=outcome, waiting_text=waiting_text)


def flow(
    intent: str, title: str | Promise, steps: Mapping[str, Step], endings: Mapping[str, Step]
) -> Flow:
    """A flow of `steps` plus each of the shared `endings` that one of them leads to."""
    targets = {
        target
        for step in steps.values()
        for target in [step.next, *(c.next for c in step.choices), *step.branches.values()]
    }
    used = {step_id: step for step_id, step in endings.items() if step_id in targets}
    return Flow(intent, title, {**steps, **used})
