"""`kefu guard --jsonl`: check agent replies with the outbound guard (DESIGN §6). No database."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kefu.safety.jsonl import guard_jsonl


class Command(BaseCommand):
    help = 'Read {"id", "text"} JSON lines on stdin; write {"id", "blocked", "reasons"} lines.'
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jsonl", action="store_true", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if guard_jsonl(sys.stdin, sys.stdout) != 0:
            raise CommandError("could not read standard input")
