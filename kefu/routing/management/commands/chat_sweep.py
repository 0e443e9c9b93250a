"""`kefu chat_sweep`: warn idle live chats, then resolve them, every few seconds.

`kefu serve` starts one beside the job worker. Several may run (one per host): each
warning and each resolve is a conditional write, so two sweeps never double either.
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kefu.routing.actions import sweep_idle_chats

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Warn and then resolve idle live chats (KEFU_CHAT_IDLE_* settings)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self._sweep(report_nothing=True)
            return
        while True:
            try:
                self._sweep(report_nothing=False)
            except Exception:
                # A database restart must not end the sweeping for good: the next round
                # retries with a fresh connection.
                logger.exception("idle-chat sweep failed")
            time.sleep(settings.KEFU_CHAT_IDLE_SWEEP_SECONDS)
            # A connection idle through the sleep may have been dropped by the server.
            close_old_connections()

    def _sweep(self, *, report_nothing: bool) -> None:
        swept = sweep_idle_chats()
        if swept.warned or swept.closed or report_nothing:
            self.stdout.write(f"warned {len(swept.warned)}, resolved {len(swept.closed)}")
