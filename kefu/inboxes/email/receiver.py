"""The process-facing side of email: an IMAP poller (IDLE when offered) and an LMTP/SMTP server.

Both end in `store_raw`, which ends in one `receive_message` call. Nothing on a mail
server is flagged before the message is committed here; a message fetched twice (a
dropped connection, a new UIDVALIDITY) is recognized by its Message-ID (or, lacking
one, a hash of its bytes) and stored once.
"""

import imaplib
import logging
import threading
from email.utils import parseaddr
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections, transaction
from imap_tools import BaseMailBox, MailBox, MailBoxUnencrypted, MailMessageFlags

from kefu.conversations.actions import receive_message
from kefu.conversations.models import Message
from kefu.core.errors import KefuError
from kefu.inboxes.email.inbound import to_inbound
from kefu.inboxes.email.models import ImapCursor, Mailbox
from kefu.inboxes.email.parsing import parse

logger = logging.getLogger(__name__)

# Servers end IDLE after 30 minutes (RFC 2177); renewing before that keeps it alive.
IDLE_SECONDS = 25 * 60
RECONNECT_SECONDS = 30
IMAP_TIMEOUT = 60


class UnreadableEmail(Exception):
    """Nothing at all could be read from the bytes (no sender, subject, text or file)."""


def store_raw(mailbox: Mailbox, raw: bytes) -> Message:
    parsed = parse(raw)
    if not parsed.readable:
        raise UnreadableEmail(", ".join(parsed.defects) or "no headers and no body")
    return receive_message(to_inbound(parsed, mailbox.inbox, raw))


# --- IMAP -------------------------------------------------------------------------------


def connect(mailbox: Mailbox) -> BaseMailBox:
    client: BaseMailBox
    if mailbox.imap_ssl:
        client = MailBox(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT)
    else:
        client = MailBoxUnencrypted(mailbox.imap_host, mailbox.imap_port, timeout=IMAP_TIMEOUT)
    return client.login(mailbox.imap_user, mailbox.imap_password, mailbox.imap_folder)


def _fetch_raw(client: BaseMailBox, uid: int) -> bytes | None:
    # BODY.PEEK: fetching must not set \\Seen; that happens only after the message is stored.
    status, data = client.client.uid("fetch", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        raise imaplib.IMAP4.error(f"FETCH {uid} failed: {status}")
    for item in data:
        if isinstance(item, tuple) and isinstance(item[1], bytes):
            return item[1]
    return None  # expunged meanwhile


def poll_once(client: BaseMailBox, mailbox: Mailbox) -> int:
    """Store every message above the cursor; the number stored."""
    folder = mailbox.imap_folder
    status = client.folder.status(folder, ["UIDVALIDITY", "UIDNEXT"])
    uidvalidity = status["UIDVALIDITY"]
    first_connection = not ImapCursor.objects.filter(mailbox=mailbox, folder=folder).exists()
    cursor, _ = ImapCursor.objects.get_or_create(
        mailbox=mailbox, folder=folder, uidvalidity=uidvalidity
    )
    # "N:*" always matches the highest UID even when it is below N, hence the filter.
    criteria = f"UID {cursor.last_uid + 1}:*"
    if first_connection:
        # A mailbox connected with years of read mail in it must not turn each old
        # message into a ticket (and an acknowledgement): the first poll takes unread mail.
        criteria = f"UNSEEN {criteria}"
    found = (int(uid) for uid in client.uids(criteria))
    stored = 0
    for uid in sorted(uid for uid in found if uid > cursor.last_uid):
        raw = _fetch_raw(client, uid)
        with transaction.atomic():
            if raw is not None and _store_or_log(mailbox, raw, f"UID {uid}"):
                stored += 1
            cursor.last_uid = uid
            cursor.save(update_fields=["last_uid", "updated_at"])
        if mailbox.mark_seen and raw is not None:
            client.flag([str(uid)], MailMessageFlags.SEEN, True)
    if first_connection and cursor.last_uid < status["UIDNEXT"] - 1:
        # Read mail above the last unread one stays behind too.
        cursor.last_uid = status["UIDNEXT"] - 1
        cursor.save(update_fields=["last_uid", "updated_at"])
    return stored


def _store_or_log(mailbox: Mailbox, raw: bytes, where: str) -> bool:
    """Store one message; one that can never be stored is logged and left on the server
    (unflagged) so the poller is not stuck on it forever."""
    try:
        store_raw(mailbox, raw)
    except (UnreadableEmail, KefuError) as error:
        logger.error("mailbox %s: %s not stored: %s", mailbox.address, where, error)
        return False
    return True


def run_poller(mailbox: Mailbox, stop: threading.Event, idle_seconds: int = IDLE_SECONDS) -> None:
    """Poll one mailbox until `stop` is set: IDLE when the server offers it, else every minute."""
    while not stop.is_set():
        try:
            with connect(mailbox) as client:
                idle = "IDLE" in client.client.capabilities
                while not stop.is_set():
                    close_old_connections()
                    poll_once(client, mailbox)
                    if idle:
                        client.idle.wait(timeout=idle_seconds)
                    else:
                        stop.wait(60)
        except (imaplib.IMAP4.error, OSError) as error:
            # A dropped connection loses nothing: the cursor only moved past stored mail.
            logger.warning("mailbox %s: %s; reconnecting", mailbox.address, error)
            stop.wait(RECONNECT_SECONDS)
        except Exception:
            # A database outage or a bug must not end the poller for good; the failed
            # message's transaction rolled back with its cursor, so it is fetched again.
            logger.exception("mailbox %s: polling failed; retrying", mailbox.address)
            stop.wait(RECONNECT_SECONDS)
        finally:
            close_old_connections()
    # This thread's database connection ends with it rather than lingering until exit.
    connections.close_all()


# --- LMTP / SMTP ------------------------------------------------------------------------


def mailbox_for(address: str) -> Mailbox | None:
    """The mailbox an envelope recipient names; support+K-000123@… is support@…."""
    local, _, domain = parseaddr(address)[1].partition("@")
    plain = f"{local.partition('+')[0]}@{domain}"
    return Mailbox.objects.filter(address__iexact=plain, is_active=True).first()


class MailHandler:
    """aiosmtpd handler: accept mail for configured mailboxes, store it, then say 250.

    A failure while storing answers 451, so the MTA keeps the message and tries again.
    """

    async def handle_RCPT(  # noqa: N802 (aiosmtpd calls it by this name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if await sync_to_async(mailbox_for)(address) is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        try:
            await sync_to_async(self._store)(envelope.rcpt_tos, raw)
        except UnreadableEmail as error:
            status = f"554 5.6.0 Unreadable message: {error}"
        except Exception:
            logger.exception("LMTP: storing a message failed")
            status = "451 4.3.0 Could not store the message now; try again later"
        else:
            status = "250 2.0.0 Stored"
        if isinstance(server, LMTP):
            # LMTP answers once per accepted recipient (RFC 2033).
            return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
        return status

    @staticmethod
    def _store(recipients: list[str], raw: bytes) -> None:
        # Each delivery is handled like a web request: connections follow CONN_MAX_AGE.
        close_old_connections()
        try:
            # One ticket per message: mail to two of our addresses is stored in the first.
            mailbox = next(filter(None, (mailbox_for(rcpt) for rcpt in recipients)))
            store_raw(mailbox, raw)
        finally:
            close_old_connections()


def lmtp_factory(**kwargs: Any) -> LMTP:
    return LMTP(MailHandler(), enable_SMTPUTF8=True, **kwargs)


def smtp_factory(**kwargs: Any) -> SMTP:
    # For an MTA that can only relay over SMTP; keep it on loopback or a private network,
    # it has no authentication and accepts mail for every configured mailbox.
    return SMTP(MailHandler(), enable_SMTPUTF8=True, **kwargs)
