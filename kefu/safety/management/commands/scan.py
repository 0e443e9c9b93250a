"""`kefu scan --jsonl`: redact secrets from JSON lines on stdin (DESIGN §6). No database."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.safety.jsonl import scan_jsonl


class Command(BaseCommand):
    help = 'Read {"id", "text"} JSON lines on stdin; write {"id", "redacted", "findings"} lines.'
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jsonl", action="store_true", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if scan_jsonl(sys.stdin, sys.stdout) != 0:
            raise CommandError("could not read standard input")
