"""`kefu email parse --json`, `kefu email poll`, `kefu email lmtp`."""

import asyncio
import contextlib
import json
import signal
import sys
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.inboxes.email.inbound import contract
from kefu.inboxes.email.models import Mailbox
from kefu.inboxes.email.parsing import parse
from kefu.inboxes.email.receiver import (
    IDLE_SECONDS,
    connect,
    lmtp_factory,
    poll_once,
    run_poller,
    smtp_factory,
)


class Command(BaseCommand):
    help = "Email intake: parse a message, poll IMAP mailboxes, or run the LMTP receiver."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        parsing = commands.add_parser("parse", help="parse one message from stdin (DESIGN §6)")
        parsing.add_argument("--json", action="store_true", required=True)
        polling = commands.add_parser("poll", help="fetch mail from every active IMAP mailbox")
        polling.add_argument("--once", action="store_true", help="poll each mailbox once, exit")
        polling.add_argument("--idle-seconds", type=int, default=IDLE_SECONDS)
        lmtp = commands.add_parser("lmtp", help="receive mail from an MTA over LMTP")
        lmtp.add_argument("--host", default="127.0.0.1")
        lmtp.add_argument("--port", type=int, default=8024)
        lmtp.add_argument(
            "--smtp", action="store_true", help="speak SMTP instead (an MTA relaying over SMTP)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "parse":
            self._parse()
        elif options["action"] == "poll":
            self._poll(options["once"], options["idle_seconds"])
        else:
            self._lmtp(options["host"], options["port"], options["smtp"])

    def _parse(self) -> None:
        parsed = parse(sys.stdin.buffer.read())
        self.stdout.write(json.dumps(contract(parsed), ensure_ascii=False))
        if not parsed.readable:
            raise CommandError("nothing could be read from the message")

    def _poll(self, once: bool, idle_seconds: int) -> None:
        mailboxes = list(
            Mailbox.objects.filter(is_active=True).exclude(imap_host="").select_related("inbox")
        )
        if not mailboxes:
            raise CommandError("no active mailbox has an IMAP host; add one in the admin")
        if once:
            for mailbox in mailboxes:
                with connect(mailbox) as client:
                    stored = poll_once(client, mailbox)
                self.stdout.write(f"{mailbox.address}: {stored} new")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        threads = [
            threading.Thread(target=run_poller, args=(mailbox, stop, idle_seconds), daemon=True)
            for mailbox in mailboxes
        ]
        for thread in threads:
            thread.start()
        self.stdout.write(f"polling {len(threads)} mailbox(es); Ctrl-C to stop")
        try:
            while any(thread.is_alive() for thread in threads):
                stop.wait(1)
        except KeyboardInterrupt:
            stop.set()

    def _lmtp(self, host: str, port: int, smtp: bool) -> None:
        factory = smtp_factory if smtp else lmtp_factory

        async def serve() -> None:
            server = await asyncio.get_running_loop().create_server(factory, host, port)
            self.stdout.write(f"{'SMTP' if smtp else 'LMTP'} receiver on {host}:{port}")
            async with server:
                await server.serve_forever()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve())
