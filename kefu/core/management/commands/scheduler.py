"""`kefu scheduler`: run the periodic jobs that apps registered, each due run once.

`kefu serve` starts one beside the job worker; run one per host or several: each due run
is claimed by one scheduler (kefu.core.scheduler).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kefu.core import scheduler

# How often due jobs are looked for: one small query; the shortest job interval is longer.
_TICK_SECONDS = 1.0


class Command(BaseCommand):
    help = "Run periodic jobs (idle chats, stale-job reclaim, upload sweep, …) when due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once", action="store_true", help="run the jobs that are due now, then exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for name, summary in scheduler.run_due().items():
                if summary or options["once"]:
                    self.stdout.write(f"{name}: {summary or 'nothing to do'}")
            if options["once"]:
                return
            time.sleep(_TICK_SECONDS)
            # A connection idle through the sleep may have been dropped by the server.
            close_old_connections()
