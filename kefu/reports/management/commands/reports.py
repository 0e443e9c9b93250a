"""`kefu reports rebuild`: recompute the report rollups from the raw tables."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Min
from django.utils import timezone

from kefu.conversations.models import Conversation
from kefu.core.management.progress import show_progress
from kefu.reports import rollup


class Command(BaseCommand):
    help = "Recompute the report rollups (after an upgrade, a restore or a data fix)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = subcommands.add_parser(
            "rebuild", help="Recompute the rollups of a period (default: all of it)."
        )
        rebuild.add_argument("--days", type=int, help="Only the last DAYS days.")

    def handle(self, *args: Any, subcommand: str, days: int | None = None, **options: Any) -> None:
        end = rollup.floor_hour(timezone.now()) + rollup.HOUR
        if days is not None:
            if days < 1:
                raise CommandError("--days must be 1 or more.")
            start = end - timedelta(days=days)
        else:
            oldest = Conversation.objects.aggregate(first=Min("created_at"))["first"]
            start = rollup.floor_hour(oldest) if oldest else end - rollup.HOUR
        total_days = max(1, (end - start + timedelta(days=1) - timedelta(seconds=1)).days)
        done = 0

        def step(upto: datetime, written: int) -> None:
            nonlocal done
            done += 1
            show_progress(self.stdout, done, total_days, f"days, {written} rows")

        written = rollup.rebuild(start, end, progress=step)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {written} rollup rows from {start.astimezone(UTC):%Y-%m-%d %H:00} UTC."
            )
        )
