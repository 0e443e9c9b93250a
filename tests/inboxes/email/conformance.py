"""The email channel's conformance driver: real RFC 5322 mail over LMTP to MailHandler.

The LMTP server runs in its own thread, so the cases run with transactions that commit
(TRANSACTIONAL: the handler's writes must be visible to the test). Forged mail is mail
for a recipient that is none of our mailboxes: the only thing an MTA's delivery can get
wrong here.
"""

import smtplib
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from kefu.contacts.models import IdentityKind
from kefu.conversations.models import Conversation
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.email.receiver import MailHandler, lmtp_factory
from kefu.inboxes.models import Channel, Inbox
from tests.inboxes.conformance.driver import Delivery
from tests.inboxes.conformance.support import newest_conversation, smtp_refused
from tests.inboxes.email import dovecot

ADDRESS = "support@kefu.example"
TRANSACTIONAL = True


class _LmtpController(Controller):
    def factory(self) -> SMTP:
        return lmtp_factory()


def _address(sender: str) -> str:
    return f"{sender}@customer.example"


def _mail(delivery: Delivery) -> bytes:
    mail = EmailMessage()
    mail["From"] = _address(delivery.sender)
    mail["To"] = ADDRESS
    mail["Subject"] = "Help"
    mail["Message-ID"] = f"<{delivery.delivery_id}@customer.example>"
    mail.set_content(delivery.text or "(no text)")
    if delivery.file is not None:
        maintype, _, subtype = delivery.file.content_type.partition("/")
        mail.add_attachment(
            delivery.file.content, maintype=maintype, subtype=subtype, filename=delivery.file.name
        )
    # An MTA speaks CRLF; smtplib sends bytes as they are.
    return mail.as_bytes(policy=SMTP_POLICY)


@dataclass
class EmailDriver:
    port: int
    channel: str = Channel.EMAIL

    def deliver(self, delivery: Delivery, *, forged: bool = False) -> int:
        recipient = "nobody@kefu.example" if forged else ADDRESS
        with smtplib.LMTP("127.0.0.1", self.port) as client:
            try:
                refused = client.sendmail(_address(delivery.sender), [recipient], _mail(delivery))
            except smtplib.SMTPRecipientsRefused as error:
                return int(error.recipients[recipient][0])
            except smtplib.SMTPDataError as error:
                return error.smtp_code
        return 200 if not refused else int(refused[recipient][0])

    def conversation(self, sender: str) -> Conversation:
        return newest_conversation(IdentityKind.EMAIL, _address(sender))

    def fail_outbound(self) -> AbstractContextManager[None]:
        return smtp_refused()

    def close_window(self, conversation: Conversation) -> None:
        pytest.skip("email takes replies at any time")


def _lmtp_server() -> Iterator[int]:
    controller = _LmtpController(MailHandler(), hostname="127.0.0.1", port=dovecot.free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def driver(request: pytest.FixtureRequest) -> EmailDriver:
    inbox = Inbox.objects.create(name="Support mail", channel=Channel.EMAIL)
    Mailbox.objects.create(inbox=inbox, address=ADDRESS, display_name="Kefu Support")
    servers = ExitStack()
    request.addfinalizer(servers.close)
    return EmailDriver(port=servers.enter_context(contextmanager(_lmtp_server)()))
