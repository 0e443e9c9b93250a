"""Email fixtures: the corpus, a mailbox, and real servers (Dovecot, aiosmtpd) on free ports."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.models import Channel, Inbox
from tests.inboxes.email import dovecot

CORPUS = Path(__file__).parent / "corpus"


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def mailbox(db: None) -> Mailbox:
    inbox = Inbox.objects.create(name="Support mail", channel=Channel.EMAIL)
    return Mailbox.objects.create(
        inbox=inbox, address="support@kefu.example", display_name="Kefu Support"
    )


@pytest.fixture
def dovecot_server(tmp_path: Path) -> Iterator[dovecot.Dovecot]:
    server = dovecot.start(tmp_path / "dovecot", ["support"])
    try:
        yield server
    finally:
        server.stop()


@dataclass
class SmtpSink:
    """An aiosmtpd handler that keeps what it receives, or answers with a set status."""

    received: list[EmailMessage] = field(default_factory=list)
    # Statuses to answer DATA with, one per attempt; "250 OK" once they run out.
    statuses: list[str] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 (aiosmtpd's name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.statuses:
            return self.statuses.pop(0)
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=dovecot.free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def email_from() -> Callable[..., bytes]:
    """Build a small message: email_from("a@example.com", "text", subject=…, headers=…)."""
    counter = iter(range(1, 10**6))

    def make(sender: str, text: str, subject: str = "Help", **headers: str) -> bytes:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = headers.pop("to", "support@kefu.example")
        message["Subject"] = subject
        message["Message-ID"] = headers.pop(
            "message_id", f"<m{next(counter)}.{id(text)}@client.example>"
        )
        for name, value in headers.items():
            message[name.replace("_", "-")] = value
        message.set_content(text)
        return message.as_bytes()

    return make


def mail_with_files(
    files: list[tuple[str, str, str, bytes]], message_id: str = "<f@x.example>"
) -> bytes:
    """A mail from Li Lei with `files` as (name, MIME type, charset or "", bytes)."""
    mail = EmailMessage()
    mail["From"] = "Li Lei <li.lei@example.com>"
    mail["To"] = "support@kefu.example"
    mail["Subject"] = "logs"
    mail["Message-ID"] = message_id
    mail.set_content("The files from my wallet app are attached.")
    for name, mime, charset, content in files:
        maintype, subtype = mime.split("/")
        params = {"charset": charset} if charset else {}
        mail.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=name, params=params
        )
    return mail.as_bytes()
