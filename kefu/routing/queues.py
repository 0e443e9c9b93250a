"""Where a new conversation goes, from its intent: team and priority defaults."""

from kefu.agents.models import Team
from kefu.conversations.models import Conversation, Priority
from kefu.core.intents import Intent
from kefu.inboxes.models import Channel
from kefu.routing.assignment import pick_assignee
from kefu.routing.events import queue_changed

# Team slugs a deployment creates; a missing team leaves the conversation unqueued.
TEAM_FOR_INTENT: dict[str, str] = {
    Intent.ACCOUNT_STOLEN: "security",
    Intent.SECURITY_SETTINGS: "security",
    Intent.ACCOUNT_LOCKED: "security",
    Intent.VERIFY_SUPPORT: "security",
    Intent.TECHNICAL_ISSUE: "technical",
    Intent.TRANSACTION_FAILED: "technical",
    Intent.WITHDRAWAL_DELAYED: "payments",
    Intent.DEPOSIT_MISSING: "payments",
    Intent.WITHDRAWAL_HOWTO: "payments",
    Intent.TRADE_DISPUTE: "payments",
}

PRIORITY_FOR_INTENT: dict[str, Priority] = {
    # Every minute counts while an attacker holds the account.
    Intent.ACCOUNT_STOLEN: Priority.URGENT,
    Intent.ACCOUNT_LOCKED: Priority.HIGH,
    Intent.WITHDRAWAL_DELAYED: Priority.HIGH,
    Intent.DEPOSIT_MISSING: Priority.HIGH,
    Intent.COMPLAINT_ESCALATION: Priority.HIGH,
    Intent.VERIFY_SUPPORT: Priority.HIGH,
    Intent.FEEDBACK: Priority.LOW,
}


def priority_for(intent: str) -> Priority:
    return PRIORITY_FOR_INTENT.get(intent, Priority.NORMAL)


def place_new(conversation: Conversation) -> None:
    """Give a conversation just opened its intent's team, and an agent if its inbox assigns."""
    changed = []
    slug = TEAM_FOR_INTENT.get(conversation.intent)
    team = Team.objects.filter(slug=slug).first() if slug else None
    if team is not None and team.pk != conversation.team_id:
        conversation.team = team
        changed.append("team")
    if conversation.inbox.config.get("auto_assign"):
        conversation.assignee = pick_assignee(conversation)
        changed.append("assignee")
    if changed:
        conversation.save(update_fields=changed)
    if conversation.channel == Channel.WEBCHAT:
        queue_changed()
