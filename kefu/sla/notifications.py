"""Who hears of an SLA warning or breach, and how: live in the console, and by email.

The sweep calls `notify` inside its transaction. The console event is published after
commit; the email is a background job queued in the same transaction (with the database
queue the job row commits with the warning or not at all, so two sweeps, or a rolled
back one, never mail twice). The job picks the recipients and writes each mail in the
recipient's language; the sweep does no network I/O.
"""

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks_db import DatabaseBackend

from kefu.agents.models import Agent, Role
from kefu.conversations.models import Conversation
from kefu.core.events import AGENTS_GROUP, publish_all_on_commit
from kefu.core.languages import to_django
from kefu.sla.models import Target

WARNING, BREACH = "warning", "breach"


@dataclass(frozen=True)
class Alert:
    conversation_id: int
    target: str
    level: str  # WARNING or BREACH


def notify(alerts: list[Alert]) -> None:
    """Tell the consoles (after commit) and queue one job mailing every alert (with the
    transaction): a sweep batch costs one insert however many clocks it warned."""
    from kefu.sla.tasks import mail_alerts

    if not alerts:
        return
    publish_all_on_commit(
        [
            (
                [AGENTS_GROUP],
                {
                    "kind": "sla_alert",
                    "conversation_id": alert.conversation_id,
                    "target": alert.target,
                    "level": alert.level,
                },
            )
            for alert in alerts
        ]
    )
    rows: list[list[int | str]] = [[a.conversation_id, a.target, a.level] for a in alerts]
    if isinstance(mail_alerts.get_backend(), DatabaseBackend):
        mail_alerts.enqueue(rows)
    else:
        transaction.on_commit(partial(mail_alerts.enqueue, rows))


def recipients(conversation: Conversation, level: str) -> QuerySet[Agent]:
    """Warning: the assignee, else the team's agents. Breach: the assignee, the team and
    the supervisors (supervisors and administrators)."""
    agents = Agent.objects.filter(is_active=True).exclude(email="")
    team = Q(teams=conversation.team_id) if conversation.team_id else Q(pk__in=[])
    if level == WARNING:
        if conversation.assignee_id is not None:
            return agents.filter(pk=conversation.assignee_id)
        return agents.filter(team).distinct()
    who = Q(pk=conversation.assignee_id or 0) | team | Q(role__in=(Role.SUPERVISOR, Role.ADMIN))
    return agents.filter(who).distinct().order_by("pk")


def alert_text(conversation: Conversation, target: str, level: str) -> tuple[str, str]:
    """The subject and body of an alert, in the active language."""
    values = {"ref": conversation.reference, "target": Target(target).label}
    if level == WARNING:
        subject = _("SLA warning: %(ref)s, %(target)s due soon") % values
        body = (
            _(
                "The target “%(target)s” of %(ref)s is due soon. Answer or update the customer "
                "before it is missed."
            )
            % values
        )
    else:
        subject = _("SLA breached: %(ref)s, %(target)s missed") % values
        body = (
            _(
                "The target “%(target)s” of %(ref)s was missed. The case has been raised in the "
                "queue; please take it in hand."
            )
            % values
        )
    return subject, body


def text_for(agent: Agent, conversation: Conversation, target: str, level: str) -> tuple[str, str]:
    """The alert in the agent's own language (the site's default when none is set)."""
    language = agent.language or conversation.language
    with translation.override(to_django(language)):
        return alert_text(conversation, target, level)
