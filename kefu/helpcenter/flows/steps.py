"""The vocabulary of guided flows: steps are data, the engine (engine.py) walks them.

A flow is a dict of steps by id, starting at "start". Texts are translated once (English
in code, zh-Hans/zh-Hant in locale/) and may name values collected so far, such as
%(reference)s, which the engine fills in.
"""

import dataclasses
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


@dataclass(frozen=True)
class Flow:
    intent: str
    title: str | Promise
    steps: dict[str, Step]
    start: str = "start"
