"""Replies and acknowledgements by email, threaded into the customer's mail client."""

import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Message
from kefu.conversations.outbound import PermanentError, RetryableError
from kefu.core.languages import to_django
from kefu.inboxes.email.models import Mailbox

# The newest ids are enough for every client to thread; RFC 5322 has no limit, MTAs do.
_MAX_REFERENCES = 20
# Ids made up for mail that had none; no client would recognize them.
_MADE_UP = "@kefu.invalid"


def _mailbox(message: Message) -> Mailbox | None:
    return Mailbox.objects.filter(inbox_id=message.conversation.inbox_id).first()


def _connection(mailbox: Mailbox | None) -> BaseEmailBackend:
    if mailbox is None or not mailbox.smtp_host:
        return get_connection()
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user or None,
        password=mailbox.smtp_password or None,
        use_tls=mailbox.smtp_starttls,
        timeout=settings.EMAIL_TIMEOUT,
    )


def _sender(mailbox: Mailbox | None, reference: str) -> tuple[str, str]:
    """From and Reply-To: the reply address carries the ticket number (support+K-000123@…)
    so a client that drops the threading headers still threads."""
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL, ""
    local, _, domain = mailbox.address.partition("@")
    sender = (
        f"{mailbox.display_name} <{mailbox.address}>" if mailbox.display_name else mailbox.address
    )
    return sender, f"{local}+{reference}@{domain}"


def _thread_ids(message: Message) -> list[str]:
    ids = (
        Message.objects.filter(
            conversation_id=message.conversation_id, created_at__lte=message.created_at
        )
        .exclude(pk=message.pk)
        .exclude(external_id="")
        .order_by("-created_at", "-id")
        .values_list("external_id", flat=True)[:_MAX_REFERENCES]
    )
    return [ref for ref in reversed(list(ids)) if "@" in ref and not ref.endswith(_MADE_UP)]


def _message_id(message: Message, mailbox: Mailbox | None) -> str:
    """Our Message-ID, stored before the first attempt: a retry sends the same id, so a
    copy that did get through is recognized, and a reply to it threads."""
    if not message.external_id:
        domain = mailbox.address.partition("@")[2] if mailbox else "kefu.invalid"
        message.external_id = make_msgid(idstring=f"kefu.{message.pk}", domain=domain).strip("<>")
        message.save(update_fields=["external_id"])
    return message.external_id


def _is_permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver(message: Message) -> None:
    conversation = message.conversation
    contact = conversation.contact
    address = (
        contact.identities.filter(kind=IdentityKind.EMAIL).values_list("value", flat=True).first()
    )
    if not address:
        raise PermanentError("The customer has no email address.")
    mailbox = _mailbox(message)
    message_id = _message_id(message, mailbox)
    refs = _thread_ids(message)
    headers = {"Message-ID": f"<{message_id}>"}
    if refs:
        headers["In-Reply-To"] = f"<{refs[-1]}>"
        headers["References"] = " ".join(f"<{ref}>" for ref in refs)
    if message.author_agent_id is None:
        # An acknowledgement or warning is machine-sent; RFC 3834 says to mark it so.
        headers["Auto-Submitted"] = "auto-replied"
    with translation.override(to_django(contact.language)):
        context = {
            "conversation": conversation,
            "message": message,
            "anti_phishing_code": contact.anti_phishing_code,
        }
        subject = render_to_string("inboxes/email/reply_subject.txt", context).strip()
        body = render_to_string("inboxes/email/reply_body.txt", context)
    sender, reply_to = _sender(mailbox, conversation.reference)
    email = EmailMessage(
        subject,
        body,
        sender,
        [address],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
        connection=_connection(mailbox),
    )
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    try:
        email.send()
    except smtplib.SMTPException as error:
        if _is_permanent(error):
            raise PermanentError(str(error)) from error
        raise RetryableError(str(error)) from error
    except OSError as error:
        raise RetryableError(str(error)) from error
