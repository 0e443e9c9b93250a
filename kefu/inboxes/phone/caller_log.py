"""Writes of the caller log: an agent's wrap-up, calls seen, an unknown caller identified."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Role
from kefu.contacts.actions import merge_contacts
from kefu.contacts.models import Contact
from kefu.core import audit
from kefu.core.errors import KefuError
from kefu.core.intents import Intent
from kefu.inboxes.phone.actions import record_event
from kefu.inboxes.phone.caller_log_queries import to_do
from kefu.inboxes.phone.models import LIVE_STATUSES, Call, CallEventKind, WrapUpOutcome


class WrapUpRefused(KefuError):
    code = "wrap_up_refused"
    status = 409


class LinkRefused(KefuError):
    code = "link_refused"
    status = 409


def _may_handle(call: Call, agent: Agent) -> bool:
    return call.agent_id == agent.pk or agent.has_role(Role.SUPERVISOR)


def wrap_up(*, call: Call, agent: Agent, intent: str, outcome: str) -> Call:
    """The agent's after-call record: the call's real topic and how it ended.

    Only the agent who had the call (or a supervisor) wraps it up, and only once it is
    over; a second wrap-up corrects the first (both are on the audit log).
    """
    if not _may_handle(call, agent):
        raise PermissionDenied(_("Only the agent who took this call can wrap it up."))
    if call.status in LIVE_STATUSES:
        raise WrapUpRefused(_("The call is still going on: wrap it up when it has ended."))
    if intent not in Intent.values:
        raise WrapUpRefused(_("Choose the call's topic."))
    if outcome not in WrapUpOutcome.values:
        raise WrapUpRefused(_("Choose how the call ended."))
    with transaction.atomic():
        call.wrap_up_intent = intent
        call.wrap_up_outcome = outcome
        call.wrapped_up_at = timezone.now()
        call.save(update_fields=["wrap_up_intent", "wrap_up_outcome", "wrapped_up_at"])
        record_event(call, CallEventKind.WRAPPED_UP, agent=agent, intent=intent, outcome=outcome)
        audit.record(agent, "call.wrap_up", call, intent=intent, outcome=outcome)
    return call


def mark_seen(*, call: Call, agent: Agent) -> Call:
    """Off the to-do list: someone has looked at this missed call."""
    if call.seen_at is None:
        call.seen_at = timezone.now()
        call.save(update_fields=["seen_at"])
        audit.record(agent, "call.seen", call)
    return call


def mark_all_seen(agent: Agent) -> int:
    """Empty the to-do list at once (Zammad #2647); the number of calls marked."""
    with transaction.atomic():
        calls = list(to_do().values_list("pk", flat=True))
        marked = Call.objects.filter(pk__in=calls).update(seen_at=timezone.now())
        if marked:
            audit.record(agent, "call.all_seen", agent, calls=calls)
    return marked


def link_caller(*, call: Call, contact: Contact, actor: Agent) -> Call:
    """The agent knows who called: the caller's contact is merged into `contact`.

    The caller's phone identity moves with the merge, so their next call is matched.
    Caller ID is no proof of identity: the agent decides, and the audit log says who.
    """
    if call.contact_id is None:
        raise LinkRefused(_("This call has no caller to link."))
    if call.contact_id == contact.pk:
        raise LinkRefused(_("This call is already linked to that customer."))
    source = call.contact
    assert source is not None  # checked above; mypy does not follow the id
    with transaction.atomic():
        merge_contacts(source=source, target=contact, actor=actor)
        Call.objects.filter(contact=source).update(contact=contact)
        audit.record(actor, "call.link_caller", call, contact=contact.pk, source=source.pk)
    call.refresh_from_db()
    return call
