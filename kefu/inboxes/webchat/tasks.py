"""Background jobs of the live chat: the transcript a customer asks for at the end."""

import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from kefu.conversations.models import Conversation, Message
from kefu.core.languages import to_django
from kefu.inboxes.base import RetryableError


@task()
def send_transcript(conversation_id: int, email: str) -> None:
    """Mail every message the customer saw, with agent names and ids and the anti-phishing code."""
    conversation = Conversation.objects.select_related("contact").get(pk=conversation_id)
    messages = (
        Message.objects.filter(conversation=conversation, seq__isnull=False)
        .select_related("author_agent")
        .prefetch_related("attachments")
        .order_by("seq")
    )
    context = {
        "conversation": conversation,
        "messages": messages,
        "anti_phishing_code": conversation.contact.anti_phishing_code,
    }
    with translation.override(to_django(conversation.language)):
        subject = render_to_string("webchat/email/transcript_subject.txt", context).strip()
        body = render_to_string("webchat/email/transcript_body.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError) as error:
        raise RetryableError(str(error)) from error
