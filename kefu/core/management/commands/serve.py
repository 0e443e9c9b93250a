"""`kefu serve`: the web app (HTTP + WebSockets), a job worker and the scheduler, in one command.

It only starts and stops its children: the app server (this command again, with
`--app-only`, which runs uvicorn in its process), the worker and the scheduler. Each runs
in its own process group and gets SIGTERM from the kernel if this process dies, so
nothing outlives it, however it ends (Ctrl-C, SIGTERM from a service manager, or SIGKILL).
"""

import argparse
import os
import sys
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from kefu.core import children
from kefu.core.public_address import listening_url


def app_processes(requested: int | None, *, database: str) -> int:
    """How many app processes to run: as asked, else one per core when they share live
    updates and the cache through Redis and `database` (a connection's vendor) is not
    SQLite. Without Redis the channel layer and the cache live in each process's memory,
    so a second process would split live updates (an agent would miss what another
    process raised) and the public rate limits: refused. (Security limits count in the
    database and hold across processes either way.)"""
    if not settings.REDIS_URL:
        if requested is not None and requested > 1:
            raise CommandError(
                _(
                    "Several app processes need KEFU_REDIS_URL: without Redis, live "
                    "updates and rate limits stay inside the process that made them. "
                    "Set KEFU_REDIS_URL or run with --workers 1."
                )
            )
        return 1
    if requested is not None:
        return requested
    # SQLite has one writer: a second process only adds waits at its lock (BENCHMARKS.md).
    if database == "sqlite":
        return 1
    return os.cpu_count() or 1


class Command(BaseCommand):
    help = "Serve Kefu on one address and run a job worker and the scheduler beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="app processes (uvicorn); default: one per core with Redis and PostgreSQL, else 1",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a job worker and the scheduler (run them elsewhere)",
        )
        parser.add_argument("--app-only", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["app_only"]:
            self._serve_app(options)
            return
        options["workers"] = app_processes(options["workers"], database=connection.vendor)
        base = listening_url(options["host"], options["port"])
        env = self._children_env(options)
        self.stdout.write(
            self.style.SUCCESS("Kefu is starting:")
            + f"\n  agent console   {base}/console/"
            + f"\n  customer portal {base}/portal/"
            + f"\n  help center     {base}/help/"
            + f"\n  live chat demo  {base}/chat/demo/"
            + f"\n  REST API docs   {base}/api/docs"
            + f"\n  admin           {base}/admin/"
            + f"\n  links in emails {env['KEFU_SITE_URL'].rstrip('/')}/  (KEFU_SITE_URL)\n"
        )
        self.stdout.flush()
        # uvicorn stops on SIGTERM by re-raising it once it has shut down, which ends a
        # process before its `finally` runs; unwinding instead lets it stop the others.
        children.exit_on_sigterm()
        started = []
        try:
            for command in self._commands(options):
                started.append(children.start(command, env=env))
            status = started[0].wait()  # the app server; the rest of the host goes with it
        except KeyboardInterrupt:
            status = 0  # Ctrl-C is how one stops it: no traceback
        finally:
            children.stop(*started)
        if status:
            raise CommandError(f"The app server exited with status {status}.")

    def _serve_app(self, options: dict[str, Any]) -> None:
        """The app server, in this process: uvicorn stops its own workers on SIGTERM."""
        uvicorn.run(
            "kefu.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_level="info",
            # Django's logging, not uvicorn's default: its handler removes secrets from
            # the access log's request lines.
            log_config=settings.LOGGING,
            lifespan="off",
            # Forwarded headers only from the proxies the operator named: uvicorn's
            # default believes 127.0.0.1, so a same-host proxy that passes a client's
            # X-Forwarded-For through would let the client pick its own address.
            proxy_headers=bool(settings.KEFU_TRUSTED_PROXIES),
            forwarded_allow_ips=settings.KEFU_TRUSTED_PROXIES,
        )

    def _children_env(self, options: dict[str, Any]) -> dict[str, str]:
        """The environment of every child: the public address is where this server listens
        unless the operator named one (KEFU_SITE_URL), so links in mails sent by the worker
        point at the port that is really served."""
        env = dict(os.environ)
        if not env.get("KEFU_SITE_URL"):
            env["KEFU_SITE_URL"] = listening_url(options["host"], options["port"])
        return env

    def _commands(self, options: dict[str, Any]) -> list[list[str]]:
        kefu = [sys.executable, "-m", "kefu.cli"]
        app = [
            *(*kefu, "serve", "--app-only"),
            *("--host", options["host"], "--port", str(options["port"])),
            *("--workers", str(options["workers"])),
        ]
        if options["no_worker"]:
            return [app]
        # The worker never reloads here: a reloader's own child would not stop with it.
        worker = [*kefu, "db_worker", "--queue-name", "*", "--no-reload"]
        return [app, worker, [*kefu, "scheduler"]]
