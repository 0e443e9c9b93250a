"""Portal replies are read on the portal; the customer is told by email that one is waiting."""

import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Message
from kefu.conversations.outbound import RetryableError
from kefu.core.languages import to_django
from kefu.core.public_address import absolute_url


def deliver(message: Message) -> None:
    conversation = message.conversation
    contact = conversation.contact
    email = contact.identities.filter(kind=IdentityKind.EMAIL).values_list("value", flat=True)
    recipients = list(email[:1])
    if not recipients:
        # Nobody to notify; the reply is on the portal, which is the delivery itself.
        return
    with translation.override(to_django(contact.language)):
        context = {
            "conversation": conversation,
            "message": message,
            "url": absolute_url(reverse("portal:ticket", args=[conversation.reference])),
            "anti_phishing_code": contact.anti_phishing_code,
        }
        subject = render_to_string("inboxes/portal/reply_subject.txt", context).strip()
        body = render_to_string("inboxes/portal/reply_body.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except (smtplib.SMTPException, OSError) as error:
        raise RetryableError(str(error)) from error
