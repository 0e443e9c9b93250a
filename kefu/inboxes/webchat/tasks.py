"""Background jobs of the live chat: the transcript a customer asks for, and the code
that verifies the address it goes to."""

import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from kefu.contacts.selectors import anti_phishing_code_for
from kefu.conversations.models import Conversation, Message
from kefu.conversations.outbound import RetryableError
from kefu.core.languages import to_django
from kefu.core.public_address import absolute_url
from kefu.inboxes.webchat import actions


def _mail(template: str, context: dict[str, object], language: str, email: str) -> None:
    with translation.override(to_django(language)):
        subject = render_to_string(f"webchat/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"webchat/email/{template}_body.txt", context)
    try:
        send_mail(subject, body, None, [email])
    except (smtplib.SMTPException, OSError) as error:
        raise RetryableError(str(error)) from error


@task()
def send_transcript(conversation_id: int, email: str) -> None:
    """Mail every message the customer saw, with agent names and ids and the anti-phishing code.

    Only ever queued for an address verified for the chat (actions.request_transcript).
    """
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
        # The address owner's own code when they have one: a transcript without it would
        # look like the phishing our mails warn about.
        "anti_phishing_code": anti_phishing_code_for(email)
        or conversation.contact.anti_phishing_code,
        # The transcript names agent ids: where to check them, as the downloaded record does.
        "verify_url": absolute_url(reverse("portal:verify")),
    }
    _mail("transcript", context, conversation.language, email)


@task()
def send_email_code(inbox_id: int, visitor_id: str, email: str, language: str) -> None:
    """Mail a one-time code that proves `email` belongs to the visitor asking for a transcript.

    The address is not verified yet, so the mail holds our fixed words, the code and the
    owner's anti-phishing code: no chat text, name or anything else the visitor chose.
    """
    code = actions.issue_email_code(inbox_id=inbox_id, visitor_id=visitor_id, email=email)
    context = {
        "code": code,
        "minutes": int(actions.EMAIL_CODE_LIFETIME.total_seconds() // 60),
        "anti_phishing_code": anti_phishing_code_for(email),
    }
    _mail("email_code", context, language, email)
