"""`kefu conversations reindex`: rebuild the console's conversation search index."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.conversations.models import Conversation
from kefu.conversations.search import indexing
from kefu.core.management.progress import show_progress


class Command(BaseCommand):
    help = "Rebuild the conversation search index from the stored messages."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "reindex", help="Rebuild the search index (after an upgrade or a synonym change)."
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        total = Conversation.objects.filter(merged_into__isnull=True).count()
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            show_progress(self.stdout, done, total, "conversations")

        indexed = indexing.rebuild(progress=step)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {indexed} conversations."))
