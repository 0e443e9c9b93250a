"""Every write of a guided flow: start a run, answer a step, hand off to a person."""

import logging
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.contacts.models import Contact, IdentityKind
from kefu.conversations.actions import receive_message
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, Message
from kefu.core.errors import InvalidTransition
from kefu.core.languages import to_django
from kefu.helpcenter.flows.engine import awaiting_handoff, flow_for
from kefu.helpcenter.flows.errors import FlowInputError
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.helpcenter.flows.steps import DONE, NOT_FOUND, UNAVAILABLE, Flow, Kind, Lookup, Outcome
from kefu.helpcenter.flows.validation import VALIDATORS
from kefu.helpcenter.flows.validation import email as clean_email
from kefu.inboxes.models import Inbox
from kefu.inboxes.portal.inbound import portal_inbox
from kefu.platform import actions as platform_actions
from kefu.platform.connector import Reason
from kefu.platform.reasons import describe
from kefu.platform.registry import connector
from kefu.platform.selectors import find_transfer, platform_user_id
from kefu.safety.redaction import redact

log = logging.getLogger(__name__)

# Lookups and freezes chain at most this far before a step the customer sees; a longer
# chain is a definition error, and stopping beats looping.
_MAX_AUTOMATIC_STEPS = 10


def start_flow(*, intent: str, language: str, contact: Contact | None = None) -> FlowRun:
    flow = flow_for(intent)
    run = FlowRun(intent=intent, language=language, contact=contact, step=flow.start)
    run.steps = [flow.start]
    _advance_automatic(run, flow)
    run.save()
    return run


def answer_step(*, run: FlowRun, value: str) -> FlowRun:
    """Take the customer's answer to the current step: a choice's value or typed input."""
    flow = _require_open(run)
    step = flow.steps[run.step]
    if step.kind == Kind.INFO:
        choice = next((c for c in step.choices if c.value == value), None)
        if choice is None:
            raise FlowInputError(_("Choose one of the options."))
        if step.field:
            run.collected[step.field] = choice.value
        _go(run, choice.next)
    elif step.kind == Kind.ASK:
        if not value.strip() and step.optional:
            _go(run, step.next)
        else:
            try:
                cleaned = VALIDATORS[step.validator](value)
            except ValidationError as error:
                raise FlowInputError(" ".join(error.messages)) from None
            # What a customer types may hold a secret; only the redacted text is kept.
            run.collected[step.field] = redact(cleaned, run.language).text
            _go(run, step.next)
    else:
        raise FlowInputError(_("This step does not take an answer."))
    _advance_automatic(run, flow)
    with transaction.atomic():
        if flow.steps[run.step].outcome == Outcome.SOLVED:
            run.outcome = RunOutcome.SOLVED
            run.finished_at = timezone.now()
        run.save()
        if awaiting_handoff(run) and run.contact is not None:
            hand_off(run=run)
    return run


def hand_off(*, run: FlowRun, email: str = "", inbox: Inbox | None = None) -> Conversation:
    """Open a conversation with everything the run collected; the run ends as hand-off."""
    flow = _require_open(run)
    if not awaiting_handoff(run):
        raise InvalidTransition(_("This guided flow has not reached the hand-off step."))
    address = ""
    if run.contact is None:
        try:
            address = clean_email(email)
        except ValidationError:
            raise FlowInputError(_("Enter your email address so an agent can reply.")) from None
    inbound = InboundMessage(
        inbox=inbox or portal_inbox(),
        contact=run.contact,
        text=summary(run, flow),
        subject=str(flow.title),
        intent=run.intent,
        language=run.language,
        identity_kind=IdentityKind.EMAIL if address else "",
        identity_value=address,
    )
    return _handed_off(run, inbound).conversation


def hand_off_in_chat(*, run: FlowRun, inbound: InboundMessage) -> Message:
    """The chat widget's hand-off: the customer's first chat message opens the chat with
    the run's summary above it, so the agent reads what was collected in the chat."""
    flow = _require_open(run)
    if not awaiting_handoff(run):
        raise InvalidTransition(_("This guided flow has not reached the hand-off step."))
    text = f"{summary(run, flow)}\n\n{inbound.text}" if inbound.text else summary(run, flow)
    return _handed_off(run, replace(inbound, text=text, intent=run.intent))


def _handed_off(run: FlowRun, inbound: InboundMessage) -> Message:
    with transaction.atomic():
        message = receive_message(inbound)
        run.conversation = message.conversation
        run.outcome = RunOutcome.HANDOFF
        run.finished_at = timezone.now()
        run.save(update_fields=["conversation", "outcome", "finished_at"])
    return message


def summary(run: FlowRun, flow: Flow) -> str:
    """The hand-off message: what the customer saw and told us, for the agent."""
    lines = [
        _("Guided flow: %(title)s") % {"title": flow.title},
        _("Steps: %(steps)s") % {"steps": " → ".join(run.steps)},
    ]
    lines += [f"{key}: {value}" for key, value in run.collected.items()]
    return "\n".join(lines)


def _require_open(run: FlowRun) -> Flow:
    if run.outcome != RunOutcome.IN_PROGRESS:
        raise InvalidTransition(_("This guided flow is already finished."))
    return flow_for(run.intent)


def _go(run: FlowRun, step_id: str) -> None:
    run.step = step_id
    run.steps = [*run.steps, step_id]


def _advance_automatic(run: FlowRun, flow: Flow) -> None:
    """Run lookups and freezes until a step the customer sees."""
    for _step in range(_MAX_AUTOMATIC_STEPS):
        step = flow.steps[run.step]
        if step.kind == Kind.LOOKUP:
            branch = _lookup(run, step.lookup)
        elif step.kind == Kind.FREEZE:
            branch = _freeze(run)
        else:
            return
        _go(run, step.branches[branch])
    raise RuntimeError(f"flow {flow.intent} chains more than {_MAX_AUTOMATIC_STEPS} lookups")


def _lookup(run: FlowRun, lookup: Lookup | None) -> str:
    user_id = platform_user_id(run.contact) if run.contact is not None else ""
    if not user_id:
        return UNAVAILABLE
    try:
        if lookup == Lookup.ACCOUNT:
            status = connector().account_status(user_id)
            run.collected.update(account=status.state.value, reason=_words(run, status.reason))
            return status.state.value
        key = "reference" if lookup == Lookup.WITHDRAWAL else "tx_hash"
        transfer = find_transfer(user_id, str(run.collected.get(key, "")))
    except Exception:
        # The back end is someone else's system: a failure sends the customer down the
        # general branch, never to an error page.
        log.exception("platform lookup failed in flow %s", run.intent)
        return UNAVAILABLE
    if transfer is None:
        return NOT_FOUND
    run.collected.update(
        reference=transfer.reference,
        status=transfer.status.value,
        amount=f"{transfer.amount.normalize():f}",
        asset=transfer.asset,
        network=transfer.network,
        tx_hash=transfer.tx_hash or "—",
        reason=_words(run, transfer.reason),
    )
    return transfer.status.value


def _words(run: FlowRun, reason: Reason | None) -> str:
    """The connector's reason in the customer's language: the flow's texts quote it."""
    with translation.override(to_django(run.language)):
        return describe(reason) or "—"


def _freeze(run: FlowRun) -> str:
    if run.contact is None:
        return UNAVAILABLE
    try:
        status = platform_actions.freeze_account(
            contact=run.contact, reason=Reason("frozen_from_guided_flow")
        )
    except Exception:
        log.exception("platform freeze failed in flow %s", run.intent)
        return UNAVAILABLE
    if status is None:
        return UNAVAILABLE
    run.collected["account"] = status.state.value
    return DONE
