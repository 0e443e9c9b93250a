"""`kefu chat_sweep`: warn idle live chats, then resolve them, every few seconds.

`kefu serve` starts one beside the job worker. Several may run (one per host): each
warning and each resolve is a conditional write, so two sweeps never double either.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kefu.routing.actions import sweep_idle_chats


class Command(BaseCommand):
    help = "Warn and then resolve idle live chats (KEFU_CHAT_IDLE_* settings)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            swept = sweep_idle_chats()
            if swept.warned or swept.closed or options["once"]:
                self.stdout.write(f"warned {len(swept.warned)}, resolved {len(swept.closed)}")
            if options["once"]:
                return
            time.sleep(settings.KEFU_CHAT_IDLE_SWEEP_SECONDS)
            # A connection idle through the sleep may have been dropped by the server.
            close_old_connections()
