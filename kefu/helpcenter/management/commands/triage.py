"""`kefu triage --jsonl`: classify first messages from JSON lines on stdin (DESIGN §6).

Needs no server; suggested articles come from the bundled default help center when the
database has none (or there is no database at all).
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.helpcenter.triage.jsonl import triage_jsonl


class Command(BaseCommand):
    help = (
        'Read {"id", "text"} JSON lines on stdin; write '
        '{"id", "intent", "confidence", "language", "articles"} lines.'
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jsonl", action="store_true", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if triage_jsonl(sys.stdin, sys.stdout) != 0:
            raise CommandError("could not read standard input")
