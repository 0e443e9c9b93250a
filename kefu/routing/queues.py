"""Where a new conversation goes, from its intent: team and priority defaults."""

from kefu.conversations.models import Priority
from kefu.core.intents import Intent

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
