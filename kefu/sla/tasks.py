"""Background jobs of the SLA: mailing warnings and breaches to agents."""

import logging
import smtplib

from django.core.mail import send_mail
from django_tasks import task

from kefu.conversations.models import Conversation
from kefu.sla.notifications import recipients, text_for

logger = logging.getLogger(__name__)


@task()
def mail_alerts(alerts: list[list[int | str]]) -> int:
    """Mail SLA warnings and breaches ([conversation id, target, level] each) to whoever
    should hear of them; returns how many mails went out."""
    sent = 0
    for conversation_id, target, level in alerts:
        conversation = Conversation.objects.filter(pk=conversation_id).first()
        if conversation is None:
            continue  # deleted since (a spam purge): nobody to alert about
        for agent in recipients(conversation, str(level)):
            subject, body = text_for(agent, conversation, str(target), str(level))
            try:
                send_mail(subject, body, None, [agent.email])
            except (smtplib.SMTPException, OSError):
                # Not retried: a rerun would mail the others again. The console alert
                # was already published; the mail is the second channel.
                logger.exception("SLA alert mail to agent %s failed", agent.pk)
                continue
            sent += 1
    return sent
