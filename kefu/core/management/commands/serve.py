"""`kefu serve`: the web app (HTTP + WebSockets) and a background worker, in one command."""

import os
import subprocess
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Kefu on one address and run a job worker beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="app processes (uvicorn)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a job worker and chat sweep (run them elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS("Kefu is starting:")
            + f"\n  agent console   {base}/console/"
            + f"\n  customer portal {base}/portal/"
            + f"\n  help center     {base}/help/"
            + f"\n  live chat demo  {base}/chat/demo/"
            + f"\n  REST API docs   {base}/api/docs"
            + f"\n  admin           {base}/admin/\n"
        )
        if options["workers"] > 1 and not settings.REDIS_URL:
            self.stderr.write(
                "Several app processes need KEFU_REDIS_URL, or live updates only reach "
                "clients connected to the process that raised them."
            )
        children = []
        if not options["no_worker"]:
            # The worker shares the database queue; children so Ctrl-C stops them all.
            # The idle-chat sweep goes with it: both are the background half of a host.
            for command in (["db_worker", "--queue-name", "*"], ["chat_sweep"]):
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "kefu.cli", *command], env=os.environ.copy()
                    )
                )
        try:
            uvicorn.run(
                "kefu.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"],
                log_level="info",
                # Django's logging, not uvicorn's default: its handler removes secrets
                # from the access log's request lines.
                log_config=settings.LOGGING,
                lifespan="off",
                # Forwarded headers only from the proxies the operator named: uvicorn's
                # default believes 127.0.0.1, so a same-host proxy that passes a client's
                # X-Forwarded-For through would let the client pick its own address.
                proxy_headers=bool(settings.KEFU_TRUSTED_PROXIES),
                forwarded_allow_ips=settings.KEFU_TRUSTED_PROXIES,
            )
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)
