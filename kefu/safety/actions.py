"""Writes of the safety app: alerts for supervisors, the official registry, anti-phishing codes."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.agents.models import Agent, Role
from kefu.agents.permissions import require_role
from kefu.contacts.models import Contact
from kefu.conversations.models import Conversation
from kefu.core import audit
from kefu.core.errors import KefuError
from kefu.core.events import SUPERVISORS_GROUP, publish_on_commit
from kefu.safety.models import OfficialChannel, SafetyAlert
from kefu.safety.redaction import redact
from kefu.safety.verification import normalize

# Setting the code that proves our emails are ours is as sensitive as a password change.
FRESH_SIGN_IN = timedelta(minutes=10)


class SignInTooOld(KefuError):
    code = "fresh_sign_in_required"
    status = 403


def raise_alert(
    *,
    kind: str,
    conversation: Conversation | None = None,
    reasons: list[str],
    agent: Agent | None = None,
    blocked_reply: str = "",
    link: str = "",
    language: str | None = None,
) -> SafetyAlert:
    """Record an alert and show it on every supervisor's console once committed.

    An alert is about a conversation, or (a community post) about what `link`, a console
    path, shows. `blocked_reply` is the text of a blocked agent reply; it is stored
    redacted, so a phrase or key the agent pasted is never shown again.
    """
    text = ""
    if blocked_reply:
        text = redact(blocked_reply, conversation.language if conversation else language).text
    alert = SafetyAlert.objects.create(
        kind=kind, conversation=conversation, agent=agent, reasons=reasons, text=text, link=link
    )
    publish_on_commit(
        [SUPERVISORS_GROUP],
        {
            "kind": kind,
            "alert_id": alert.pk,
            "conversation_id": conversation.pk if conversation else None,
            "link": link,
            "agent_id": agent.pk if agent else None,
            "reasons": reasons,
        },
    )
    return alert


def acknowledge_alert(*, actor: Agent, alert: SafetyAlert) -> SafetyAlert:
    require_role(actor, Role.SUPERVISOR)
    if alert.acknowledged_at is not None:
        # Two supervisors clicking at once: the first one is the one on record.
        return alert
    with transaction.atomic():
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        # The conversation is the target when there is one; else the alert itself.
        target = alert.conversation if alert.conversation is not None else alert
        audit.record(actor, "safety.alert_acknowledged", target, alert=alert.pk)
    return alert


def add_official_channel(
    *, actor: Agent, kind: str, value: str, label: str = ""
) -> OfficialChannel:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        channel, _created = OfficialChannel.objects.update_or_create(
            kind=kind, value=normalize(kind, value), defaults={"label": label, "is_active": True}
        )
        audit.record(actor, "safety.official_channel_add", channel)
    return channel


def register_official_channel(*, kind: str, value: str, label: str = "") -> OfficialChannel:
    """An address Kefu itself answers on (a phone line's numbers), listed as official.

    No admin acts: the line's settings are the authority, and the audit log says so. A
    number already listed keeps the label an administrator gave it; a retired one is
    listed again, since the line answers on it.
    """
    with transaction.atomic():
        channel, created = OfficialChannel.objects.get_or_create(
            kind=kind, value=normalize(kind, value), defaults={"label": label}
        )
        if created or not channel.is_active:
            channel.is_active = True
            channel.save(update_fields=["is_active"])
            audit.record(None, "safety.official_channel_add", channel)
    return channel


def retire_official_channel(*, actor: Agent, channel: OfficialChannel) -> None:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        channel.is_active = False
        channel.save(update_fields=["is_active"])
        audit.record(actor, "safety.official_channel_retire", channel)


def set_anti_phishing_code(*, contact: Contact, code: str, signed_in_at: datetime) -> Contact:
    if timezone.now() - signed_in_at > FRESH_SIGN_IN:
        raise SignInTooOld(_("For your safety, please sign in again before changing this code."))
    code = code.strip()
    if code and not (4 <= len(code) <= 20):
        raise KefuError(_("The anti-phishing code must be 4 to 20 characters long."))
    contact.anti_phishing_code = code
    contact.save(update_fields=["anti_phishing_code"])
    return contact
