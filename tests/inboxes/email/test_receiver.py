"""The receivers against real servers: IMAP on a throw-away Dovecot, LMTP via smtplib.LMTP."""

import contextlib
import imaplib
import smtplib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.core.cache import cache
from django.db import OperationalError

from kefu.conversations.models import Attachment, Message, MessageKind
from kefu.inboxes.email.models import ImapCursor, Mailbox
from kefu.inboxes.email.receiver import (
    MailHandler,
    connect,
    lmtp_factory,
    poll_once,
    run_poller,
    smtp_factory,
)
from tests.inboxes.email import dovecot
from tests.inboxes.email.conftest import CORPUS, corpus, mail_with_files
from tests.safety.secret_files import PHRASE_ZH_HANT

NAMES = [
    "01_plain_english.eml",
    "02_gb2312.eml",
    "13_mixed_pdf_rfc2231.eml",
    "23_qq_mail_zh.eml",
    "41_malformed_multipart.eml",  # no Message-ID: de-duplicated by its hash
]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def _imap(server: dovecot.Dovecot) -> imaplib.IMAP4:
    client = imaplib.IMAP4(server.host, server.port)
    client.login("support", dovecot.PASSWORD)
    return client


def _append(server: dovecot.Dovecot, names: list[str], folder: str = "INBOX") -> None:
    client = _imap(server)
    for name in names:
        client.append(folder, None, None, corpus(name))
    client.logout()


def _seen_uids(server: dovecot.Dovecot, folder: str = "INBOX") -> set[int]:
    client = _imap(server)
    client.select(folder)
    _, data = client.uid("search", None, "SEEN")  # type: ignore[arg-type]
    client.logout()
    return {int(uid) for uid in data[0].split()}


def _point(
    mailbox: Mailbox, server: dovecot.Dovecot, port: int | None = None, folder: str = "INBOX"
) -> Mailbox:
    mailbox.imap_host = server.host
    mailbox.imap_port = port or server.port
    mailbox.imap_ssl = False
    mailbox.imap_user = "support"
    mailbox.imap_password = dovecot.PASSWORD
    mailbox.imap_folder = folder
    mailbox.save()
    return mailbox


def _stored() -> list[str]:
    return sorted(
        Message.objects.filter(kind=MessageKind.INBOUND).values_list("external_id", flat=True)
    )


@pytest.mark.django_db
def test_poll_stores_new_mail_once_and_flags_it_only_after(
    mailbox: Mailbox, dovecot_server: dovecot.Dovecot
) -> None:
    _append(dovecot_server, NAMES)
    _point(mailbox, dovecot_server)
    with connect(mailbox) as client:
        assert poll_once(client, mailbox) == len(NAMES)
        assert poll_once(client, mailbox) == 0  # nothing is fetched twice
    cursor = ImapCursor.objects.get(mailbox=mailbox)
    assert cursor.last_uid == len(NAMES)
    assert _seen_uids(dovecot_server) == set(range(1, len(NAMES) + 1))
    assert len(_stored()) == len(NAMES)
    _append(dovecot_server, ["20_gmail_en.eml"])
    with connect(mailbox) as client:
        assert poll_once(client, mailbox) == 1
    assert ImapCursor.objects.get(mailbox=mailbox).last_uid == len(NAMES) + 1


@pytest.mark.django_db
def test_the_first_poll_leaves_mail_that_was_already_read(
    mailbox: Mailbox, dovecot_server: dovecot.Dovecot
) -> None:
    client = _imap(dovecot_server)
    client.append("INBOX", "(\\Seen)", None, corpus("20_gmail_en.eml"))  # read before Kefu
    client.logout()
    _append(dovecot_server, ["21_gmail_zh.eml"])
    client = _imap(dovecot_server)
    client.append("INBOX", "(\\Seen)", None, corpus("01_plain_english.eml"))
    client.logout()
    _point(mailbox, dovecot_server)
    with connect(mailbox) as imap:
        assert poll_once(imap, mailbox) == 1
    assert _stored() == ["CAgmail-zh@mail.gmail.example.com"]
    assert ImapCursor.objects.get(mailbox=mailbox).last_uid == 3
    _append(dovecot_server, ["22_gmail_wrapped.eml"])
    with connect(mailbox) as imap:
        assert poll_once(imap, mailbox) == 1  # from now on every new UID is fetched
    assert ImapCursor.objects.get(mailbox=mailbox).last_uid == 4


@pytest.mark.django_db
def test_a_new_uidvalidity_refetches_without_duplicating(
    mailbox: Mailbox, dovecot_server: dovecot.Dovecot
) -> None:
    admin = _imap(dovecot_server)
    admin.create("Support")
    admin.logout()
    _append(dovecot_server, NAMES[:3], "Support")
    _point(mailbox, dovecot_server, folder="Support")
    with connect(mailbox) as client:
        poll_once(client, mailbox)
    # The folder is recreated (a server migration): same mail, new UIDVALIDITY, UIDs from 1.
    admin = _imap(dovecot_server)
    admin.delete("Support")
    admin.create("Support")
    admin.logout()
    _append(dovecot_server, NAMES[:3], "Support")
    with connect(mailbox) as client:
        assert poll_once(client, mailbox) == 3  # fetched and recognized, not stored twice
    assert ImapCursor.objects.filter(mailbox=mailbox).count() == 2
    assert len(_stored()) == 3


class CuttingProxy:
    """Forwards a TCP connection and cuts it once the server has sent `limit` bytes."""

    def __init__(self, target: tuple[str, int], limit: int) -> None:
        self.target, self.limit = target, limit
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        client, _ = self.listener.accept()
        upstream = socket.create_connection(self.target)
        threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
        self._pipe(upstream, client, self.limit)

    def _pipe(self, source: socket.socket, sink: socket.socket, limit: int | None) -> None:
        sent = 0
        try:
            while chunk := source.recv(4096):
                if limit is not None and sent + len(chunk) > limit:
                    sink.sendall(chunk[: limit - sent])
                    self.cut.set()
                    break
                sink.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def close(self) -> None:
        self.listener.close()


@pytest.mark.django_db
def test_a_connection_dropped_mid_fetch_loses_nothing_and_duplicates_nothing(
    mailbox: Mailbox, dovecot_server: dovecot.Dovecot
) -> None:
    names = ["39_huge_body.eml", "01_plain_english.eml", "39_huge_body.eml", "02_gb2312.eml"]
    _append(dovecot_server, names)
    huge = len((CORPUS / "39_huge_body.eml").read_bytes())
    # Cut inside the third message: after the first (huge) and second are through.
    proxy = CuttingProxy((dovecot_server.host, dovecot_server.port), limit=huge + huge // 2)
    _point(mailbox, dovecot_server, port=proxy.port)
    with (
        pytest.raises((imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError)),
        connect(mailbox) as client,
    ):
        poll_once(client, mailbox)
    proxy.close()
    assert proxy.cut.is_set()
    cursor = ImapCursor.objects.get(mailbox=mailbox)
    stored_before = _stored()
    assert cursor.last_uid == len(stored_before) == 2
    # Only what was stored is flagged; the cut message is untouched on the server.
    assert _seen_uids(dovecot_server) == {1, 2}
    _point(mailbox, dovecot_server)
    with connect(mailbox) as client:
        poll_once(client, mailbox)
    # Message 3 is message 1 again (same Message-ID): stored once; message 4 is new.
    assert _stored() == sorted(
        ["huge@partner.example.com", "CAF1x2@mail.example.com", "20240503151233.1a2b@163.com"]
    )
    assert ImapCursor.objects.get(mailbox=mailbox).last_uid == 4


def _stored_now() -> list[str]:
    # The test database is SQLite's shared in-memory one, whose table locks make a reader
    # in another thread fail instead of wait while the poller writes: ask again then.
    try:
        return _stored()
    except OperationalError:
        return []


@pytest.mark.django_db(transaction=True)
def test_the_poller_wakes_on_idle(mailbox: Mailbox, dovecot_server: dovecot.Dovecot) -> None:
    _point(mailbox, dovecot_server)
    stop = threading.Event()
    thread = threading.Thread(target=run_poller, args=(mailbox, stop, 10), daemon=True)
    thread.start()
    try:
        time.sleep(1)  # let it reach IDLE on the empty folder
        _append(dovecot_server, ["21_gmail_zh.eml"])
        # Under 8 s even on a loaded machine, and still before the 10 s IDLE renewal that
        # would fetch it anyway: the server's EXISTS woke the poller.
        deadline = time.monotonic() + 8
        while not _stored_now() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _stored_now() == ["CAgmail-zh@mail.gmail.example.com"]
    finally:
        stop.set()
        thread.join(timeout=15)


# --- LMTP --------------------------------------------------------------------------------


class LmtpController(Controller):
    def factory(self) -> SMTP:
        return lmtp_factory()


class SmtpController(Controller):
    def factory(self) -> SMTP:
        return smtp_factory()


@pytest.fixture
def lmtp_port(mailbox: Mailbox) -> Iterator[int]:
    controller = LmtpController(MailHandler(), hostname="127.0.0.1", port=dovecot.free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_lmtp_delivery_is_stored(lmtp_port: int) -> None:
    with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
        refused = client.sendmail(
            "zhangsan@163.com", ["support@kefu.example"], corpus("02_gb2312.eml")
        )
    assert refused == {}
    assert _stored() == ["20240503151233.1a2b@163.com"]


@pytest.mark.django_db(transaction=True)
def test_lmtp_delivery_of_a_big5_log_stores_it_without_the_phrase(lmtp_port: int) -> None:
    log = f"2024/05/01 匯入錢包\r\n助記詞：{PHRASE_ZH_HANT}\r\n".encode("big5hkscs")
    raw = mail_with_files([("錢包.log", "text/plain", "big5", log)], "<big5-log@x.example>")
    with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
        assert client.sendmail("chen@example.tw", ["support@kefu.example"], raw) == {}
    attachment = Attachment.objects.get()
    assert attachment.file.read() == "2024/05/01 匯入錢包\r\n助記詞：[助記詞已移除]\r\n".encode(
        "big5hkscs"
    )
    assert attachment.message.conversation.secret_exposed


@pytest.mark.django_db(transaction=True)
def test_lmtp_accepts_plus_addresses_and_refuses_unknown_mailboxes(lmtp_port: int) -> None:
    with smtplib.LMTP("127.0.0.1", lmtp_port) as client:
        client.sendmail(
            "quinn@example.com",
            ["support+K-000300@kefu.example"],
            corpus("43_reply_plus_address.eml"),
        )
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail(
                "a@example.com", ["nobody@kefu.example"], corpus("01_plain_english.eml")
            )
    assert refused.value.recipients["nobody@kefu.example"][0] == 550
    assert _stored() == ["reply-refs@example.com"]


@pytest.mark.django_db(transaction=True)
def test_lmtp_refuses_bytes_that_are_not_mail(lmtp_port: int) -> None:
    with (
        smtplib.LMTP("127.0.0.1", lmtp_port) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.sendmail("a@example.com", ["support@kefu.example"], b"\x00\x01 not mail")
    assert refused.value.smtp_code == 554
    assert _stored() == []


@pytest.mark.django_db(transaction=True)
def test_the_smtp_flavour_stores_too(mailbox: Mailbox) -> None:
    controller = SmtpController(MailHandler(), hostname="127.0.0.1", port=dovecot.free_port())
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port) as client:
            client.sendmail(
                "a@example.com", ["support@kefu.example"], corpus("10_raw_utf8_subject.eml")
            )
    finally:
        controller.stop()
    assert _stored() == ["rawutf8@example.com"]
