"""Outbound email through the real delivery job and a real SMTP server (aiosmtpd)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from kefu.agents.models import Agent
from kefu.contacts.models import Contact
from kefu.conversations import actions, tasks
from kefu.conversations.models import DeliveryStatus, Message, MessageKind
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.email.receiver import store_raw
from tests.inboxes.email import dovecot
from tests.inboxes.email.conftest import SmtpSink

pytestmark = pytest.mark.django_db

Build = Callable[..., bytes]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _new_ticket(mailbox: Mailbox, email_from: Build) -> Message:
    return store_raw(
        mailbox,
        email_from(
            "amy@example.com",
            "My deposit is missing",
            subject="Deposit",
            message_id="<c1@client.example>",
        ),
    )


def _ack(inbound: Message) -> Message:
    return inbound.conversation.messages.get(kind=MessageKind.OUTBOUND)


def test_the_acknowledgement_is_sent_threaded_and_marked_automatic(
    mailbox: Mailbox, email_from: Build, smtp_sink: SmtpSink
) -> None:
    inbound = _new_ticket(mailbox, email_from)
    ack = _ack(inbound)
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.SENT
    (mail,) = smtp_sink.received
    ack.refresh_from_db()
    reference = inbound.conversation.reference
    assert mail["Message-ID"] == f"<{ack.external_id}>"
    assert ack.external_id.endswith("@kefu.example")
    assert mail["In-Reply-To"] == "<c1@client.example>"
    assert mail["References"] == "<c1@client.example>"
    assert reference in mail["Subject"]
    assert mail["Reply-To"] == f"support+{reference}@kefu.example"
    assert mail["Auto-Submitted"] == "auto-replied"
    assert str(mail["From"]) == "Kefu Support <support@kefu.example>"
    body = mail.get_content()
    assert reference in body
    assert "24" in body


def test_an_agent_reply_carries_the_anti_phishing_code_and_threads(
    mailbox: Mailbox, email_from: Build, smtp_sink: SmtpSink, agent: Agent
) -> None:
    inbound = _new_ticket(mailbox, email_from)
    Contact.objects.filter(pk=inbound.conversation.contact_id).update(anti_phishing_code="BLUE-42")
    reply = actions.send_reply(conversation=inbound.conversation, agent=agent, text="We found it.")
    tasks.deliver_message.call(reply.pk)
    mail = smtp_sink.received[-1]
    reply.refresh_from_db()
    assert mail["Message-ID"] == f"<{reply.external_id}>"
    # The acknowledgement was never sent (no Message-ID yet), so the customer's mail is the parent.
    assert mail["In-Reply-To"] == "<c1@client.example>"
    assert "<c1@client.example>" in mail["References"]
    assert mail["Auto-Submitted"] is None
    body = mail.get_content()
    assert "BLUE-42" in body
    assert agent.public_id in body
    assert "We found it." in body


def test_a_temporary_failure_is_retried_with_the_same_message_id(
    mailbox: Mailbox, email_from: Build, smtp_sink: SmtpSink
) -> None:
    ack = _ack(_new_ticket(mailbox, email_from))
    smtp_sink.statuses = ["451 4.3.0 Try again later"]
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.RETRYING
    ack.refresh_from_db()
    first_id = ack.external_id
    assert "451" in ack.delivery_error
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.SENT
    ack.refresh_from_db()
    assert ack.external_id == first_id
    assert smtp_sink.received[0]["Message-ID"] == f"<{first_id}>"


def test_a_permanent_refusal_fails_at_once(
    mailbox: Mailbox, email_from: Build, smtp_sink: SmtpSink
) -> None:
    ack = _ack(_new_ticket(mailbox, email_from))
    smtp_sink.statuses = ["554 5.7.1 Message rejected"]
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.FAILED
    ack.refresh_from_db()
    assert "554" in ack.delivery_error


def test_an_unreachable_server_is_retried(
    mailbox: Mailbox, email_from: Build, settings: Any
) -> None:
    ack = _ack(_new_ticket(mailbox, email_from))
    Mailbox.objects.filter(pk=mailbox.pk).update(
        smtp_host="127.0.0.1", smtp_port=dovecot.free_port(), smtp_starttls=False
    )
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.RETRYING


def test_a_mailbox_smtp_server_is_used_when_set(
    mailbox: Mailbox, email_from: Build, smtp_sink: SmtpSink, settings: Any
) -> None:
    ack = _ack(_new_ticket(mailbox, email_from))
    Mailbox.objects.filter(pk=mailbox.pk).update(
        smtp_host="127.0.0.1",
        smtp_port=settings.EMAIL_PORT,
        smtp_starttls=False,
    )
    settings.EMAIL_PORT = dovecot.free_port()  # the site-wide one is down
    assert tasks.deliver_message.call(ack.pk) == DeliveryStatus.SENT
    assert len(smtp_sink.received) == 1
